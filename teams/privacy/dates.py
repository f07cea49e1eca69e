"""Calendar arithmetic of the retention rules (months and years back from a moment)."""
import calendar
import datetime


def months_earlier(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if it is shorter)."""
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def months_later(moment: datetime.datetime, months: int) -> datetime.datetime:
    return months_earlier(moment, -months)
