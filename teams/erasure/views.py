"""Cluster management's "Erase person…" (from /account/people/): a confirmation page that says what happens,
asks the two choices and the person's name typed again; the POST erases through services.erase_person."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from teams.forms import MAX_ID, add_service_errors
from teams.views import posted

from . import services
from .forms import EraseForm, shown_name


@login_required
def erase(request, user_id):
    if user_id > MAX_ID:
        raise Http404  # not a 500 for an id beyond the database's range
    person = get_object_or_404(User, pk=user_id)
    try:
        services.check_may_erase(request.user, person)
    except ValidationError as exc:  # the page says why (already erased, the last cluster manager)
        return render(request, "erasure/erase.html", {"person": person, "refusal": " ".join(exc.messages)},
                      status=409)
    form = EraseForm(posted(request), person=person)
    if form.is_valid():
        name = shown_name(person)
        try:
            erasure = services.erase_person(request.user, person, messages=form.cleaned_data["messages"],
                                            uploads=form.cleaned_data["uploads"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is erased. The account is now “%(former)s”.")
                             % {"name": name, "former": erasure.person.get_full_name()})
            return redirect("accounts:people")
    return render(request, "erasure/erase.html", {"person": person, "form": form},
                  status=400 if form.is_bound else 200)
