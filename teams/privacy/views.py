"""The public notice pages (/privacy/, /imprint/: no login), their editing by cluster management, and the
acknowledgement page the middleware (acknowledgement.py) sends people to. Thin: notices.py writes."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from teams.views import apply, posted

from . import notices
from .acknowledgement import remember
from .forms import AcknowledgeForm, NoticeForm
from .models import Notice
from .permissions import can_edit_notices


def _notice_or_404(kind: str) -> Notice:
    notice = notices.current(kind)
    if notice is None:
        raise Http404
    return notice


def show(request, kind):
    return render(request, "privacy/notice.html", {"notice": _notice_or_404(kind),
                                                   "can_edit": can_edit_notices(request.user)})


@login_required
def edit(request, kind):
    if not can_edit_notices(request.user):
        raise PermissionDenied(_("Only cluster management edits the privacy notice and the imprint."))
    notice = _notice_or_404(kind)
    form = NoticeForm(posted(request), initial={"text_de": notice.text_de, "text_en": notice.text_en})
    if request.method == "POST" and apply(form, lambda data: notices.edit_notice(request.user, kind, **data)):
        messages.success(request, _("The notice is saved."))
        return redirect(f"privacy:{kind}")
    return render(request, "privacy/edit.html", {"notice": notice, "form": form},
                  status=400 if form.is_bound else 200)


def _safe_next(request, value: str) -> str:
    """A path of this site to go on to (never another site, never a view name: "0" is a path here too)."""
    if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                                 require_https=request.is_secure()):
        return value
    return reverse("home")


@login_required
def acknowledge(request):
    notice = _notice_or_404(Notice.Kind.PRIVACY)
    form = AcknowledgeForm(posted(request), initial={"version": notice.version,
                                                     "next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            notices.acknowledge(request.user, form.cleaned_data["version"])
        except PermissionDenied as refusal:  # changed since the page was shown: show the current one
            messages.error(request, str(refusal))
            back = form.cleaned_data["next"]
            return redirect(reverse("privacy:acknowledge") + ("?" + urlencode({"next": back}) if back else ""))
        remember(request, form.cleaned_data["version"])
        return HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    acknowledged = notices.has_acknowledged(request.user, notice.version)
    return render(request, "privacy/acknowledge.html", {"notice": notice, "form": form, "acknowledged": acknowledged},
                  status=400 if form.is_bound else 200)
