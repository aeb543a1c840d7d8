"""Reading a written word back to the letters of the alphabet it was romanised from."""

from __future__ import annotations


def read_back(word: str, reading: dict[str, str], longest: int) -> tuple[list[str], int]:
    """The letters ``word`` spells under one system (``reading``: Latin spelling to letter),
    longest spelling first, and how many Latin letters no spelling covered (each kept as it is)."""
    out: list[str] = []
    unread = 0
    at = 0
    while at < len(word):
        for size in range(min(longest, len(word) - at), 0, -1):
            letter = reading.get(word[at : at + size])
            if letter is not None:
                out.append(letter)
                at += size
                break
        else:
            out.append(word[at])
            unread += 1
            at += 1
    return out, unread


__all__ = ["read_back"]
