"""The notation of lessons on linear and logistic regression: parameter vectors and example superscripts
(param_vectors), function definitions with any symbol as parameter and subscripted names, update rules
written with '=' (updates), and Ng's d-names (dnames). Claims here are not corpus claims."""

import pytest

from derive.check import check_claim
from derive.check.dnames import read_dnames
from derive.check.updates import update_rule

HOLDS = ("holds", "checked")

LOSS = 'J = \\frac{1}{m}\\sum_{i=1}^{m} (w x^{(i)} - y^{(i)})^2'
LSQ = 'S(\\beta) = \\sum_{i=1}^{n} \\left(y^{(i)} - \\beta^T x^{(i)}\\right)^2'

CASES = [
    # parameter vectors: beta^T x with beta_j, x_j read as vectors of entries
    ('\\frac{\\partial}{\\partial w_k} (w^T x)^2 = 2 (w^T x) x_k', [], HOLDS),
    ('\\frac{\\partial}{\\partial w_k} (w^T x)^2 = 2 (w^T x)', [], ("fails",)),
    ('\\frac{\\partial}{\\partial u_k} \\tanh(u \\cdot v + c) = (1 - \\tanh^2(u \\cdot v + c)) v_k', [], HOLDS),
    ('\\frac{\\partial}{\\partial u_k} \\tanh(u \\cdot v + c) = (1 - \\tanh^2(u \\cdot v + c)) u_k', [], ("fails",)),
    # a claim true at one length only must not hold
    ('\\frac{\\partial}{\\partial x_j}(\\theta^T x) - \\theta_j + \\theta^T\\theta = \\theta_1^2 + \\theta_2^2 + \\theta_3^2',
     [], ("fails",)),
    # example superscripts are examples, not powers; the sum over them with a symbolic m
    ('\\frac{\\partial J}{\\partial w} = \\frac{2}{m}\\sum_{i=1}^{m}(w x^{(i)} - y^{(i)}) x^{(i)}', [LOSS], HOLDS),
    ('\\frac{\\partial J}{\\partial w} = \\frac{1}{m}\\sum_{i=1}^{m}(w x^{(i)} - y^{(i)}) x^{(i)}', [LOSS], ("fails",)),
    ('\\frac{\\partial S(\\beta)}{\\partial \\beta_j} = -2\\sum_{i=1}^{n}\\left(y^{(i)} - \\beta^T x^{(i)}\\right)x_j^{(i)}',
     [LSQ], HOLDS),
    ('\\frac{\\partial S(\\beta)}{\\partial \\beta_j} = 2\\sum_{i=1}^{n}\\left(y^{(i)} - \\beta^T x^{(i)}\\right)x_j^{(i)}',
     [LSQ], ("fails",)),
    # function definitions: Greek, bold and hatted parameters, a subscripted name
    ('\\frac{d}{du} q_\\alpha(u) = 2\\alpha u', ['q_\\alpha(u) = \\alpha u^2'], HOLDS),
    ('\\frac{d}{du} q_\\alpha(u) = \\alpha u', ['q_\\alpha(u) = \\alpha u^2'], ("fails",)),
    ('\\frac{\\partial R(\\hat{p}, t)}{\\partial s} = \\sigma(s) - t',
     ['R(\\hat{p}, t) = -t\\log\\sigma(s) - (1-t)\\log(1-\\sigma(s))'], HOLDS),
    ('\\frac{\\partial R(\\hat{p}, t)}{\\partial s} = t - \\sigma(s)',
     ['R(\\hat{p}, t) = -t\\log\\sigma(s) - (1-t)\\log(1-\\sigma(s))'], ("fails",)),
    # a definition written with matrices makes a scalar hold no hold (X(X beta - t) needs X^T)
    ('\\nabla_{\\beta} Q(\\beta) = \\frac{2}{n} A (A\\beta - t)', ['Q(\\beta) = \\frac{1}{n} (A\\beta - t)^T (A\\beta - t)'],
     ("not-checkable", "fails")),
    # a matrix beside the vectors is left to the matrix reader
    ('u^T B u = \\sum_{i=1}^n \\sum_{j=1}^n B_{ij} u_i u_j', [], HOLDS),
    ('u^T B u = \\sum_{i=1}^n \\sum_{j=1}^n B_{ij} u_j u_j', [], ("fails",)),
    # \det of a written-out matrix
    ('\\det \\begin{pmatrix} 2 & 1 \\\\ 5 & 4 \\end{pmatrix} = 3', [], HOLDS),
    ('\\det \\begin{pmatrix} 2 & 1 \\\\ 5 & 4 \\end{pmatrix} = 13', [], ("fails",)),
    # the bar of a conditional density separates arguments like a comma
    ('\\frac{\\partial}{\\partial u} f(u \\mid v) = \\frac{\\partial}{\\partial u} f(u, v)', [], HOLDS),
    ('\\frac{\\partial}{\\partial u} f(u \\mid v) = \\frac{\\partial}{\\partial v} f(u, v)', [], ("fails",)),
    # an approximation is not decided, even where a part of it cannot be read
    ('\\Delta F \\approx \\nabla F \\cdot \\Delta u', [], ("not-checkable",)),
    # a loss named with a capital subscript (L_{CE}) is no matrix: its vectors are still read
    ('\\frac{\\partial L_{MS}(p, t)}{\\partial u_k} = (u \\cdot v - t) v_k', ['L_{MS}(p, t) = \\frac{1}{2}(u \\cdot v - t)^2'], HOLDS),
    # the normal equations' solution names its left side: a definition, not an identity
    ('\\beta = (A^T A)^{-1} A^T t', [], ("not-checkable",)),
    # update rules written with '=' or \rightarrow are not identities
    ('\\beta = \\beta - \\alpha \\nabla_\\beta S(\\beta)', [], ("not-checkable",)),
    ('m_t = \\rho m_{t-1} + (1 - \\rho) g_t', [], ("not-checkable",)),
    ('u^k \\rightarrow u^k - \\eta g', [], ("not-checkable",)),
    # Ng's d-names: the first link names the derivative; a given d-name is a symbol
    ('dv = \\frac{\\partial F}{\\partial v} = 2v', ['F = v^2'], HOLDS),
    ('dv = \\frac{\\partial F}{\\partial v} = v', ['F = v^2'], ("fails",)),
    ('dw = \\frac{\\partial G}{\\partial w} = 3 \\, du', ['u = 3w', 'G = u^2', 'du = 2u'], HOLDS),
    ('dw = \\frac{\\partial G}{\\partial w} = du', ['u = 3w', 'G = u^2', 'du = 2u'], ("fails",)),
]


@pytest.mark.parametrize("claim,givens,verdicts", CASES)
def test_lesson_notation(claim, givens, verdicts):
    r = check_claim(claim, givens=givens)
    assert r.verdict in verdicts, (claim, r.verdict, r.notes, r.counterexample)


UPDATES = [
    ('\\theta = \\theta - \\eta \\nabla J', True),
    ('w_{t+1} = w_t - \\eta g_t', True),
    ('\\mathbf{W}(k+1) = \\mathbf{W}(k) - \\alpha \\mathbf{G}', True),
    ('v^{t+1} = \\gamma v^t + \\eta \\nabla f', True),
    ('\\Delta w_{ji} = \\eta \\delta_j x_{ji}', False),       # the step itself, checkable
    ('F_n = F_{n-1} + F_{n-2}', False),                      # a recurrence, no training step
    ('x = e^{\\ln x}', False),
    ('a^l = \\sigma(w^l a^{l-1} + b^l)', False),              # layer l from layer l-1: a forward pass
    ('\\delta^l = (w^{l+1})^T \\delta^{l+1} \\odot \\sigma\'(z^l)', False),
]


@pytest.mark.parametrize("text,is_update", UPDATES)
def test_update_rules(text, is_update):
    assert bool(update_rule(text)) is is_update


DNAMES = [
    # (claim, givens) -> (claim read, givens read)
    (('dq = \\frac{dL}{dq} = 2q', ()), ('\\frac{dL}{dq} = 2q', ())),
    (('x \\, dq', ('dq = 2q',)), ('x \\, \\mathrm{dq}', ('\\mathrm{dq} = 2q',))),
    (('\\frac{dL}{dq} = 2q', ('dq = 2q',)), ('\\frac{dL}{dq} = 2q', ('\\mathrm{dq} = 2q',))),   # a differential stays
    (('d = 2q', ()), ('d = 2q', ())),
    (('ad = \\frac{dL}{da} = 1', ()), ('ad = \\frac{dL}{da} = 1', ())),
    (('dx = \\frac{dL}{dy} = 1', ()), ('dx = \\frac{dL}{dy} = 1', ())),    # names another derivative: kept
]


@pytest.mark.parametrize("given,want", DNAMES)
def test_dnames(given, want):
    claim, givens, _ = read_dnames(*given)
    assert (claim, givens) == want
