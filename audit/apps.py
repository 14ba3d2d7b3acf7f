from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from celery.signals import before_task_publish, task_postrun, task_prerun

        from audit import context, signals  # noqa: F401  (signals connects the login/logout receivers)

        before_task_publish.connect(context.add_to_task_headers, dispatch_uid="audit.client_ip.publish")
        task_prerun.connect(context.restore_in_worker, dispatch_uid="audit.client_ip.prerun")
        task_postrun.connect(context.forget_in_worker, dispatch_uid="audit.client_ip.postrun")
