"""Charts as server-rendered inline SVG: no JavaScript library, readable without JS,
every label escaped. Each chart has a <title> and <desc> for screen readers."""
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def goal_coverage(goal_rollups, width=640):
    """One bar per strategic goal: how many running teams work on it (grey when none)."""
    bar, gap, label_w = 16, 6, 44
    rows = list(goal_rollups)
    top = max([r.running_count for r in rows] + [1])
    height = len(rows) * (bar + gap) + 24
    scale = (width - label_w - 40) / top
    parts = [format_html(
        '<svg class="chart coverage" role="img" viewBox="0 0 {} {}" width="100%" aria-labelledby="cov-t cov-d">'
        '<title id="cov-t">{}</title><desc id="cov-d">{}</desc>',
        width, height, _("Goal coverage"), _("Running teams per strategic goal"))]
    for i, row in enumerate(rows):
        y = i * (bar + gap) + 4
        n = row.running_count
        parts.append(format_html(
            '<g class="bar{}" data-goal="{}"><text x="0" y="{}" class="label">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="3"><title>{}</title></rect>'
            '<text x="{}" y="{}" class="value">{}</text></g>',
            " none" if n == 0 else "", row.key, y + bar - 4, row.key, label_w, y, max(n * scale, 2), bar,
            f"{row.key} {row.label}: {n}", label_w + max(n * scale, 2) + 6, y + bar - 4, n))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def burn_up(points, width=640, height=240):
    """Scope (cards created) and done (cards finished) over the team's time frame."""
    pad_l, pad_b, pad_t, pad_r = 36, 28, 12, 12
    if not points:
        return ""
    top = max([scope for _d, scope, _done in points] + [1])
    n = max(len(points) - 1, 1)
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b

    def xy(i, value):
        return pad_l + inner_w * i / n, pad_t + inner_h * (1 - value / top)

    def line(index):
        return " ".join("{:.1f},{:.1f}".format(*xy(i, p[index])) for i, p in enumerate(points))

    first, last = points[0][0], points[-1][0]
    parts = [
        format_html('<svg class="chart burnup" role="img" viewBox="0 0 {} {}" width="100%" '
                    'aria-labelledby="bu-t bu-d"><title id="bu-t">{}</title><desc id="bu-d">{}</desc>',
                    width, height, _("Burn-up"),
                    _("%(done)d of %(scope)d tasks done") % {"done": points[-1][2], "scope": points[-1][1]}),
        format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>', pad_l, height - pad_b, width - pad_r,
                    height - pad_b),
        format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>', pad_l, pad_t, pad_l, height - pad_b),
        format_html('<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>', pad_l - 4, pad_t + 10, top),
        format_html('<text x="{}" y="{}" class="tick" text-anchor="end">0</text>', pad_l - 4, height - pad_b),
        format_html('<text x="{}" y="{}" class="tick">{}</text>', pad_l, height - 8, first.isoformat()),
        format_html('<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>', width - pad_r, height - 8,
                    last.isoformat()),
        format_html('<polyline class="scope" points="{}"/>', line(1)),
        format_html('<polyline class="done" points="{}"/>', line(2)),
        format_html('<g class="legend"><text x="{}" y="{}" class="scope-label">{}</text>'
                    '<text x="{}" y="{}" class="done-label">{}</text></g>',
                    pad_l + 8, pad_t + 12, _("scope"), pad_l + 8, pad_t + 28, _("done")),
        mark_safe("</svg>"),
    ]
    return mark_safe("".join(str(p) for p in parts))


def progress_bar(done, total, label=""):
    percent = round(100 * done / total) if total else 0
    # SVG presentation attributes, not style="": the Content-Security-Policy allows no inline styles.
    return format_html('<svg class="meter" viewBox="0 0 100 1" preserveAspectRatio="none" role="img" aria-label="{}">'
                       '<rect width="{}" height="1"/></svg>', label or f"{percent}%", percent)


__all__ = ["goal_coverage", "burn_up", "progress_bar", "escape"]
