"""The LaTeX the claim reader understands: every control sequence it knows, by what it does.

A control sequence that is in none of these tables is refused with a message that names it
(and, for common ones, says what to write instead); none ever becomes a variable's name.
"""

from __future__ import annotations

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
    "iota", "kappa", "varkappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma",
    "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
    "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "varGamma", "varDelta", "varTheta",
    "varLambda", "varXi", "varPi", "varSigma", "varUpsilon", "varPhi", "varPsi", "varOmega",
}
# letter-like symbols: each is one symbol of the claim
SYMBOL_COMMANDS = GREEK | {"ell", "partial", "nabla", "infty", "hbar", "imath", "jmath"}
# named functions typeset upright: \sin x, \log_2 x, \max(a, b)
FUNCTION_COMMANDS = {
    "tanh", "exp", "ln", "log", "max", "min", "sinh", "cosh", "coth", "sech", "csch", "sin", "cos", "tan",
    "sec", "csc", "cot", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "erf", "lg", "det",
}
FRACS = {"frac", "dfrac", "tfrac", "cfrac"}
BINOMS = {"binom", "dbinom", "tbinom"}
# decorations of one symbol: \hat{y}, \mathbf{W}, \vec x, \mathbb{1}
DECORATIONS = {
    "hat", "vec", "mathbf", "bm", "bold", "boldsymbol", "mathbb", "bar", "tilde", "overline", "widehat",
    "widetilde", "mathcal", "mathscr", "mathfrak", "underline", "check", "breve", "pmb",
}
# upright or text material: \text{and}, \operatorname{softmax}, \mathrm{d}
TEXT_COMMANDS = {
    "text", "operatorname", "operatorname*", "mathrm", "textrm", "mathit", "textit", "textbf", "mathsf",
    "mathtt", "mbox", "textnormal", "textup", "textsf",
}
MUL_COMMANDS = {"cdot", "times", "odot", "circ", "ast", "div", "otimes", "bullet"}   # \bullet: UFLDL's Hadamard
# relations between the sides of a claim (and \to inside a limit's subscript)
REL_COMMANDS = {
    "approx", "equiv", "leftarrow", "gets", "le", "leq", "ge", "geq", "leqslant", "geqslant", "ne", "neq",
    "lt", "gt", "in", "coloneqq", "to", "propto", "simeq", "sim",
}
COMPARISONS = {"le", "leq", "ge", "geq", "leqslant", "geqslant", "ne", "neq", "lt", "gt"}
# separators of several relations on one line (each is checked on its own)
SEPARATOR_COMMANDS = {"quad", "qquad", "rightarrow", "Rightarrow", "implies", "longrightarrow",
                      "Longrightarrow", "iff", "Leftrightarrow", "hspace", "hspace*"}
# spacing and style: no meaning in a formula
SPACING = {
    ",", ";", ":", "!", " ", "thinspace", "medspace", "thickspace", "negthinspace", "negmedspace",
    "negthickspace", "enspace", "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle", "limits",
    "nolimits", "nonumber", "notag", "quad", "qquad", "mathstrut", "strut", "nobreak", "allowbreak",
}
SIZERS = {
    "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
    "biggr", "Biggl", "Biggr", "bigm", "Bigm",
}
OPEN_DELIMS = {"(": "(", "[": "[", "\\{": "{", "\\lbrace": "{", "\\lbrack": "[", "|": "|", "\\|": "||",
               "\\lvert": "|", "\\lVert": "||", "\\vert": "|", "\\Vert": "||", "\\lfloor": "floor",
               "\\lceil": "ceil", "\\langle": "<", ".": "."}
CLOSE_DELIMS = {")": "(", "]": "[", "\\}": "{", "\\rbrace": "{", "\\rbrack": "[", "|": "|", "\\|": "||",
                "\\rvert": "|", "\\rVert": "||", "\\vert": "|", "\\Vert": "||", "\\rfloor": "floor",
                "\\rceil": "ceil", "\\rangle": "<", ".": "."}
MATRIX_ENVS = {"matrix", "bmatrix", "pmatrix", "vmatrix", "Bmatrix", "Vmatrix", "smallmatrix"}
CASES_ENVS = {"cases", "dcases"}
# a display environment inside a claim: its rows are claims of their own
ROW_ENVS = {"aligned", "align", "align*", "gathered", "gather", "gather*", "split", "equation", "equation*",
            "multline", "multline*", "alignat", "alignat*", "flalign", "flalign*", "array", "eqnarray",
            "eqnarray*"}

# \operatorname{...} names that denote functions (lower-cased)
NAMED_FUNCTIONS = {
    "relu": "relu", "sigmoid": "sigmoid", "sigma": "sigmoid", "tanh": "tanh", "gelu": "gelu", "gelu_tanh": "gelu_tanh",
    "softplus": "softplus", "silu": "silu", "swish": "silu", "softmax": "softmax", "exp": "exp",
    "ln": "ln", "log": "log", "elu": "elu", "lrelu": "leaky_relu", "leakyrelu": "leaky_relu",
    "max": "max", "min": "min", "step": "step", "heaviside": "step", "h": "step", "sech": "sech",
    "cosh": "cosh", "sinh": "sinh", "csch": "csch", "coth": "coth", "sin": "sin", "cos": "cos",
    "tan": "tan", "abs": "abs", "sign": "sign", "sgn": "sign", "erf": "erf", "sec": "sec", "csc": "csc",
    "cot": "cot", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "asin": "asin", "acos": "acos",
    "atan": "atan", "arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh", "arcsinh": "asinh",
    "arccosh": "acosh", "arctanh": "atanh", "erfc": "erfc", "det": "det",
}

# commands outside the dialect that a tutorial may use, with what to write instead
UNSUPPORTED_HINTS = {
    "dot": "dot notation for time derivatives is not supported; write f'(x) or \\frac{d}{dx}",
    "ddot": "dot notation for time derivatives is not supported; write f''(x) or \\frac{d^2}{dx^2}",
    "def": "macro definitions are not accepted; use --given for definitions",
    "newcommand": "macro definitions are not accepted; use --given for definitions",
    "renewcommand": "macro definitions are not accepted; use --given for definitions",
    "input": "file inclusion is not accepted", "include": "file inclusion is not accepted",
    "forall": "quantifiers are not checked; state the claim for a"
    " generic value", "exists": "quantifiers are not checked",
    "sgn": "write \\operatorname{sign}(x)", "pm": "a claim with \\pm states two claims; write each",
    "mp": "a claim with \\mp states two claims; write each", "cdots": "an ellipsis cannot be checked; write the"
    " sum with \\sum", "ldots": "an ellipsis cannot be checked; write the sum with \\sum", "dots": "an ellipsis"
    " cannot be checked; write the sum with \\sum", "vdots": "an ellipsis cannot be checked",
    "ddots": "an ellipsis cannot be checked", "sup": "suprema are not checked", "inf": "infima are not checked",
    "arg": "arguments of complex numbers are not checked",
    "iint": "multiple integrals are not checked",
    "oint": "contour integrals are not checked", "underbrace": "\\underbrace is read only in documents'"
    " display equations, where its label is dropped",
}
