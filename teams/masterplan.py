"""The master plan "Berlin-Brandenburg – The Future of Health", as shipped in data/masterplan.json.

Loaded by a data migration (0002) so every install has it; German titles are our translation.
"""
import json
from pathlib import Path

MASTERPLAN_FILE = Path(__file__).parent / "data" / "masterplan.json"


def load_masterplan(field_model, area_model, goal_model):
    """Create or update the master plan rows; safe to run again (keyed by code/number)."""
    plan = json.loads(MASTERPLAN_FILE.read_text(encoding="utf-8"))
    for field in plan["fields_of_action"]:
        field_model.objects.update_or_create(
            code=field["code"],
            defaults={"name_en": field["name_en"], "name_de": field["name_de"], "scope_en": field["scope_en"]},
        )
    for area in plan["focal_areas"]:
        focal_area, _ = area_model.objects.update_or_create(
            number=area["number"], defaults={"name_en": area["name_en"], "name_de": area["name_de"]}
        )
        for goal in area["goals"]:
            goal_model.objects.update_or_create(
                code=goal["code"],
                defaults={"focal_area": focal_area, "title_en": goal["title_en"], "title_de": goal["title_de"]},
            )
