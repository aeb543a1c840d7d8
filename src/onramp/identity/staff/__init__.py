"""Staff administration: four-eyes approvals (`approvals`, which other domains register
actions with through identity's surface), role changes, deactivation, the first admin, and the
admin and approval routes (`api`)."""
