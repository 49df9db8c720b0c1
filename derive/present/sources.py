"""The sources a derivation document may cite: the four tutorial articles and the two initialisation papers.

Titles are the ones the article files (shared/articles/) carry; article 004's text has no title, so it
is named by its opening words. `network` is the article's own example network, so a document can say
when it derives that very network.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str  # "003", "glorot"
    label: str  # how the text names it: "article 003", "Glorot and Bengio"
    reference: str  # the reference-list entry: who or which article, the title, where
    contributes: str  # what the document takes from it: text with $...$ math (LaTeX, which KaTeX reads too)
    network: tuple[tuple[int, ...], tuple[str, ...], str] | None = None  # layers, activations, loss


SOURCES: dict[str, Source] = {s.key: s for s in [
    Source("000", "article 000",
           "article 000, \u201cHow Neural Networks Learn, with 1 Complete Example\u201d (a tutorial; the title is "
           "its header image's caption)",
           r"the 3-5-2 regression network (sigmoid hidden layer, linear output, loss $\frac{1}{2}\sum_{k}"
           r"(\hat{y}_{k} - y_{k})^{2}$) and its notation; the backward pass layer by layer; the update with the "
           r"mean $\frac{1}{N}$; batch, stochastic and mini-batch gradient descent; epochs, iterations and "
           r"batches; early stopping with a tolerance $\tau$",
           ((3, 5, 2), ("sigmoid", "linear"), "half_sse")),
    Source("001", "article 001",
           "article 001, \u201cHow Neural Networks Learn\u201d (a tutorial)",
           "the squared-error loss of a crowd-size estimator and its derivative; the loss surface, gradient "
           "descent and the learning rate; minibatches, epochs, shuffling and a test set"),
    Source("003", "article 003",
           "article 003, \u201cHow Neural Network \u2018Learn\u2019\u201d (a tutorial, Deep Learning on Medium)",
           "the 3-2-2 network (sigmoid hidden layer, linear \u201cpurelin\u201d output, mean squared error) with a "
           "worked example that rounds the sigmoid outputs to 4 decimals; the chain rule summed over the paths "
           "through the next layer; gradient descent with learning constant 0.02",
           ((3, 2, 2), ("sigmoid", "linear"), "mse")),
    Source("004", "article 004",
           "article 004, a tutorial untitled in its text, which opens \u201cNeural Networks are the foundation of "
           "all things Deep Learning\u201d",
           r"the 4-2-3 network (ReLU hidden layer, sigmoid output, loss $\frac{1}{2}(y - \hat{y})^{2}$); "
           r"activation functions and their derivatives, with $\operatorname{ReLU}'(0)$ taken as $0$; the error "
           r"term $\delta$; the shapes of the gradients; the update $W := W - \alpha \delta a$ with every "
           r"gradient computed before any parameter changes",
           ((4, 2, 3), ("relu", "sigmoid"), "half_mse")),
    Source("glorot", "Glorot and Bengio",
           "X. Glorot and Y. Bengio, \u201cUnderstanding the difficulty of training deep feedforward neural "
           "networks\u201d, AISTATS 2010",
           r"the initial weight variance $2 / (n_{\mathrm{in}} + n_{\mathrm{out}})$ for saturating activations"),
    Source("he", "He et al.",
           "K. He, X. Zhang, S. Ren and J. Sun, \u201cDelving Deep into Rectifiers: Surpassing Human-Level "
           "Performance on ImageNet Classification\u201d, ICCV 2015",
           r"the initial weight variance $2 / n_{\mathrm{in}}$ for rectifier-type activations"),
]}


def network_source(spec) -> Source | None:
    """The article whose own example network the spec is (same widths, activations and loss), if any."""
    acts = tuple(a.name for a in spec.activations)
    for s in SOURCES.values():
        if s.network == (tuple(spec.layers), acts, spec.loss):
            return s
    return None
