"""Board data made quickly for the board tests."""


def make_cards(team, count, actor):
    """`count` cards spread over the columns, with assignees, labels, goals, checklists and comments."""
    from teams.board import ranks
    from teams.board.models import Card, ChecklistItem, Column, Comment, Label
    from teams.models import Membership

    columns = list(Column.objects.filter(team=team, archived=False).order_by("rank"))
    members = [m.user for m in Membership.objects.filter(team=team).exclude(role="observer").select_related("user")]
    labels = [Label.objects.get_or_create(team=team, name=name)[0] for name in ("legal", "fhir", "pilot")]
    goals = list(team.goals.all())
    keys = ranks.spread(count)
    cards = Card.objects.bulk_create(
        Card(team=team, column=columns[n % len(columns)], rank=keys[n], title=f"Card {n}", created_by=actor)
        for n in range(count))
    Through = Card.assignees.through
    Through.objects.bulk_create(Through(card=card, user=members[n % len(members)]) for n, card in enumerate(cards))
    Card.labels.through.objects.bulk_create(Card.labels.through(card=card, label=labels[n % 3])
                                            for n, card in enumerate(cards))
    Card.goals.through.objects.bulk_create(Card.goals.through(card=card, strategicgoal=goals[n % len(goals)])
                                           for n, card in enumerate(cards))
    ChecklistItem.objects.bulk_create(ChecklistItem(card=card, text="step", done=n % 2 == 0)
                                      for n, card in enumerate(cards))
    Comment.objects.bulk_create(Comment(card=card, author=actor, body="ok") for card in cards[::2])
    return cards
