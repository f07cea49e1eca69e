"""The feed (/calendar/<token>.ics: the token is the key, no session) and the link's buttons on /account/."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from workspace.security import client_ip

from . import feed, services, throttle
from .models import FeedToken, token_hash


@require_safe
def calendar(request, token):
    key = token_hash(token)
    if not (throttle.allowed(f"token:{key}") and throttle.allowed(f"ip:{client_ip(request)}")):
        return HttpResponse(status=429, headers={"Retry-After": "600"})
    found = FeedToken.objects.select_related("user").filter(token_hash=key, user__is_active=True).first()
    if found is None:
        raise Http404  # unknown, replaced or revoked: the same answer
    FeedToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    response = HttpResponse(feed.build(found.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="topic-teams.ics"'
    return response


@never_cache  # the page shows the secret link
@login_required
@require_POST
def new_link(request):
    token = services.new_feed_link(request.user)
    return render(request, "calendar/new_link.html", {
        "link": feed.site_url() + reverse("calendar:feed", args=[token])})


@login_required
@require_POST
def revoke(request):
    services.revoke_feed_link(request.user)
    return redirect(reverse("accounts:account") + "#calendar")
