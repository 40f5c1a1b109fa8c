"""Replica papers that share wire stories: the same text under each paper's own address.

A provincial story is often run by a second paper from the first one's copy, or both take it
from one agency. `SyndicatedSite` is a ReplicaSite some of whose articles (by their place from
`first_id`) come from a shared wire: two sites with the same `wire` seed tell those stories in
the same words. A `syndicated` one ends with the paper's own credit line, so the two copies are
two articles of one story; an `exact` one is printed word for word, so both addresses are one
article.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tests.replica.site import ReplicaArticle, ReplicaSite

WIRE_FIRST_ID = 900_000  # where the wire's own ids start (never an address on a site)


@dataclass
class SyndicatedSite(ReplicaSite):
    wire: int = 0  # the seed of the shared wire's texts
    syndicated: frozenset[int] = frozenset()  # places (id - first_id) of near copies
    exact: frozenset[int] = frozenset()  # places of word-for-word copies

    def article_by_id(self, article_id: int) -> ReplicaArticle:
        own = super().article_by_id(article_id)
        place = article_id - self.first_id
        if place not in self.syndicated | self.exact:
            return own
        story = ReplicaSite(seed=self.wire, first_id=WIRE_FIRST_ID).article_by_id(
            WIRE_FIRST_ID + place
        )
        paragraphs = story.paragraphs
        if place in self.syndicated:
            paragraphs += (f"Bài đăng lại theo thỏa thuận hợp tác nội dung với {self.name}.",)
        return dataclasses.replace(story, number=own.number, id=own.id, section=own.section,
                                   path=own.path, published_at=own.published_at,
                                   paragraphs=paragraphs)  # fmt: skip

    def shared_places(self) -> frozenset[int]:
        return self.syndicated | self.exact
