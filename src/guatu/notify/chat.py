"""Text into group chats is text: what people typed never becomes a link, an image or a mention.

A robot message's title and text carry what towns and departments typed
(item and project names, a blocker's description, a reporter's name). 钉钉's
and 企业微信's markdown, and their clients' habit of turning anything that looks
like an address into a link, would make ``[点此领取](https://evil.example/)``
a button in the group. Before a message goes to a robot its title and text
pass through ``chat_text``:

- every character markdown or the platforms' markup reads — ``\\ ` * _ [ ] ( )
  < > # ! | ~ { } = & @`` — becomes its full-width twin (``［`` for ``[``, ``＠``
  for ``@`` …), so no link, image, autolink, HTML tag, entity, heading, quote,
  emphasis, code or mention (``@所有人``, ``<@userid>``) can be written, whatever
  escapes the platform's renderer honours; a line of dashes (a setext heading's
  underline) likewise, and a line's leading spaces go (no code block);
- an address is defanged as security writers do: ``https[:]//evil[.]example``
  — every ``://``, every dot before a label that starts with a letter, and the
  dots of an IPv4 address — so no client's link finder sees an address;
- the title is one line.

The only link of a message is guatu's own (the card's button, 企业微信's
"查看详情"), added after this; the robot's @ list is added after this too.
Emails and the inbox are not touched: they are plain text and HTML-escaped pages.

>>> chat_text("[点此领取](https://evil.example/) @所有人")
'［点此领取］（https[:]//evil[.]example/） ＠所有人'
"""

import re

__all__ = ["chat_line", "chat_text"]

_FULL_WIDTH = str.maketrans(
    {
        "\\": "＼",
        "`": "｀",
        "*": "＊",
        "_": "＿",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "<": "＜",
        ">": "＞",
        "#": "＃",
        "!": "！",
        "|": "｜",
        "~": "～",
        "{": "｛",
        "}": "｝",
        "=": "＝",
        "&": "＆",
        "@": "＠",
    }
)
_SCHEME = re.compile(r":(?=//)")
#: A dot that joins a word to a label starting with a letter: the shape of every host name
#: (its last label, the top-level domain, always starts with a letter), but not of 1.5km.
_HOST_DOT = re.compile(r"(?<=[\w-])\.(?=[^\W\d_][\w-])")
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
_DASH_LINE = re.compile(r"^(-[ \t-]*)$", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def chat_text(value: str) -> str:
    """*value* as text that no group chat renders as markup, a link or a mention."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(_FULL_WIDTH)
    text = _INDENT.sub("", text)
    text = _DASH_LINE.sub(lambda line: line.group(1).replace("-", "－"), text)
    text = _IPV4.sub(lambda address: address.group(0).replace(".", "[.]"), text)
    text = _HOST_DOT.sub("[.]", text)
    return _SCHEME.sub("[:]", text)


def chat_line(value: str) -> str:
    """``chat_text`` on one line (a title: a line break would end its heading)."""
    return " ".join(chat_text(value).split("\n"))
