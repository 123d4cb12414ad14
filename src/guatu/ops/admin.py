from django.contrib import admin

from guatu.common.admin import ReadOnlyAdmin
from guatu.ops.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("name", "seen_at")
