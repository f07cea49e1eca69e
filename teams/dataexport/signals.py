"""A deleted export row (the person's account deleted, their erasure) takes its ZIP with it."""
from .files import delete_file
from .models import DataExport


def delete_the_file(sender, instance: DataExport, **kwargs) -> None:
    delete_file(instance)
