"""Helpers for the supervision/notification tests: board columns and cards made directly
(the counts are the point here, not the board's own rules, which its tests cover)."""
import datetime
import itertools

from django.utils import timezone

_rank = itertools.count(1)


def columns(team):
    from teams.board.models import Column

    todo = Column.objects.create(team=team, name="Review todo", rank=f"r{next(_rank):06d}")
    done = Column.objects.create(team=team, name="Review done", rank=f"r{next(_rank):06d}", is_done=True)
    return todo, done


def cards(team, column, n, due=None, assignees=(), **extra):
    from teams.board.models import Card

    made = []
    for i in range(n):
        card = Card.objects.create(team=team, column=column, rank=f"c{next(_rank):06d}", title=f"Task {i}",
                                   due_date=due, **extra)
        if assignees:
            card.assignees.set(assignees)
        made.append(card)
    return made


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)
