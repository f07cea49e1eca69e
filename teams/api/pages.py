"""The account page's "API tokens" section (/account/): make a token (its text shown once, on the page that
answers the POST, never stored or sent again) and revoke one. The services are teams.api.tokens."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from teams.accounts.views import account_page
from teams.views import apply

from .forms import TokenForm
from .tokens import create_token, revoke_token


@never_cache
@login_required
@require_POST
def create(request):
    form = TokenForm(request.POST)
    made = apply(form, lambda data: create_token(request.user, **data))
    if not made:
        return account_page(request, status=400, token_form=form)
    token, secret = made
    return account_page(request, token_form=TokenForm(), new_token=token, new_secret=secret)


@login_required
@require_POST
def revoke(request, token_id):
    try:
        token = revoke_token(request.user, token_id)
    except PermissionDenied:
        messages.error(request, _("Unknown token."))
    else:
        messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("/account/#api-tokens")


urlpatterns = [
    path("account/tokens/", create, name="api_token_create"),
    path("account/tokens/<int:token_id>/revoke/", revoke, name="api_token_revoke"),
]
