from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from teams.views import viewable_team_or_404


@login_required
def board(request, slug):
    team = viewable_team_or_404(request.user, slug)
    return render(request, "board/board.html", {"team": team, "section": "board"})
