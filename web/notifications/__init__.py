"""E-mail notifications (docs/notifications.md): a daily digest of each user's new, due-soon and
overdue tasks, and an immediate mail to a municipality's coordinators when the prison reports an
immediate release. Sent by the scheduler process from an outbox table, never inside an engine
command; nothing is sent when no SMTP server is configured."""
