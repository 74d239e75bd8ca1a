"""The generated blocks of a results page: the text between a script's BEGIN and END markers is
the script's, rewritten whole from the data (tools/plot_paper.py, tools/studies_page.py,
tools/robustness.py --readme); everything around it is left as it is."""
import sys


def rewrite_block(path, begin, end, block):
    """Replaces the block from `begin` to `end` of the page at `path` by `block` (which starts with
    `begin` and ends with `end`); exits naming the page if it has no such block."""
    text = open(path, encoding="utf-8").read()
    if begin not in text or end not in text:
        sys.exit(f"{path}: no '{begin}' ... '{end}' block to rewrite")
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(path, "w", encoding="utf-8") as out:
        out.write(head + block + tail)
