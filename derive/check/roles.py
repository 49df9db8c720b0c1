"""The atoms of a notation profile: which letter plays which network role and where its layer is written."""

from __future__ import annotations

from dataclasses import dataclass

from .syntax import Node, parse
from .tree import atom_key, decor_scripts, items_of, juxt_items, plain_text


@dataclass
class RoleEntry:
    role: str
    key: tuple
    layer_pos: str | None   # 'sup', 'sub' or None
    label: str | None       # fixed superscript label ('pred', 'true')


_ROLES: dict = {}       # profile -> its role entries: every context of every witness asks again


def profile_roles(profile) -> list[RoleEntry]:
    """The atoms of a notation profile: base letter, where the layer goes, fixed labels (read once per
    profile: parsing the templates again for every context was a tenth of a generic claim's time)."""
    try:
        hit = _ROLES.get(profile)
    except TypeError:               # a profile-like object that is not hashable
        return _profile_roles(profile)
    if hit is None:
        if len(_ROLES) > 64:
            _ROLES.clear()
        hit = _ROLES[profile] = tuple(_profile_roles(profile))
    return list(hit)


def _profile_roles(profile) -> list[RoleEntry]:
    out = []
    for role, tmpl in profile.templates:
        if role == "activation":
            continue
        if "\\frac" in tmpl:
            continue  # a derivative spelling (article 000's delta): read as a derivative
        text = tmpl.replace("@", "l")
        rel = parse(text, "notation template")
        items = juxt_items(rel)
        if not items or len(items) != 1:
            continue
        post = items[0]
        key = atom_key(post)
        layer_pos, label = None, None
        for s in decor_scripts(post):
            if s[0] in ("sup", "sub"):
                t = plain_text(s[1])
                if t == "l" or _bracketed_l(s[1]):
                    layer_pos = s[0]
                elif t:
                    label = t
        out.append(RoleEntry(role, key, layer_pos, label))
    for alias in profile.extra("aliases").split():
        # a letter the text also uses for a role (Hagan's entries w^m_{i,j} of the matrix W^m)
        letter, _, role = alias.partition(":")
        out.append(RoleEntry(role, (letter, False), "sup", None))
    if profile.name.startswith("default"):
        out.append(RoleEntry("act", ("a", False), "sup", None))
        # batch matrices written in capitals (one sample per column): A^{l}, Z^{l}, X, Y, \Delta^{l}
        out += [RoleEntry("act", ("A", False), "sup", None), RoleEntry("preact", ("Z", False), "sup", None),
                RoleEntry("input", ("X", False), None, None), RoleEntry("target", ("Y", False), None, None),
                RoleEntry("delta", ("Delta", False), "sup", None)]
    return out


def _bracketed_l(sarg: Node) -> bool:
    """^{(l)} or ^{[l]}: a layer script in Goodfellow's or Ng's style."""
    inner = items_of(sarg) if sarg.kind == "sbrace" else []
    items = juxt_items(inner[0]) if len(inner) == 1 else None
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].scripts:
        return False
    b = items[0].args[0]
    return b.kind in ("paren", "bracket") and plain_text(Node("brace", b.args, b.pos)) == "l"


def activation_spelling(profile):
    tmpl = profile.template("activation").replace("@", "l")
    rel = parse(tmpl, "notation template")
    items = juxt_items(rel)
    post = items[0]
    pos = None
    for s in decor_scripts(post):
        if s[0] in ("sup", "sub") and (plain_text(s[1]) == "l" or _bracketed_l(s[1])):
            pos = s[0]
    return atom_key(post), pos
