"""Background tasks (Django's tasks framework; django-tasks-db runs them in production)."""

from django.tasks import task


@task
def run_import(job_id: int) -> None:
    from phoihop.exports.services import import_run

    import_run(job_id=job_id)
