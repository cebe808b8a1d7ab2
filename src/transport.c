/* transport.c: open the configured transport and dispatch to it. */
#include "transport.h"

#include <stdlib.h>

#include "util.h"

int
transport_timeout(const struct config *cfg)
{
	return cfg->timeout > 0 ? cfg->timeout : 30;
}

struct transport *
transport_open(const struct config *cfg, char **err)
{
	switch (cfg->transport) {
	case TRANSPORT_MAILDIR:
		return transport_maildir_open(cfg->maildir, err);
	case TRANSPORT_SMTP:
		return transport_smtp_open(cfg, err);
	case TRANSPORT_SENDMAIL:
		/* As long as one message may take over SMTP: a hung
		 * sendmail must not keep a run alive. */
		return transport_sendmail_open(cfg->sendmail,
		    4 * transport_timeout(cfg), err);
	}
	set_err(err, "unknown transport");
	return NULL;
}

enum transport_result
transport_send(struct transport *t, const struct transport_message *m,
    char **reply)
{
	struct transport_job job = { *m, TRANSPORT_SENT, NULL, NULL };

	*reply = NULL;
	if (t->ops->send != NULL)
		return t->ops->send(t, m, reply);
	/* Every transport has one of the two (transport_open's table). */
	if (t->ops->send_batch == NULL)
		return TRANSPORT_FAIL;
	t->ops->send_batch(t, &job, 1);
	*reply = job.reply;
	job.reply = NULL;
	transport_job_reset(&job);
	return job.result;
}

void
transport_send_batch(struct transport *t, struct transport_job *jobs, size_t n)
{
	if (t->ops->send_batch != NULL) {
		for (size_t i = 0; i < n; i++) {
			jobs[i].reply = NULL;
			jobs[i].rcpt = NULL;
		}
		t->ops->send_batch(t, jobs, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		jobs[i].result = transport_send(t, &jobs[i].msg, &jobs[i].reply);
}

void
transport_job_reset(struct transport_job *job)
{
	for (size_t i = 0; job->rcpt != NULL && i < job->msg.nrcpt; i++)
		free(job->rcpt[i].reply);
	free(job->rcpt);
	free(job->reply);
	job->rcpt = NULL;
	job->reply = NULL;
}

void
transport_close(struct transport *t)
{
	if (t != NULL)
		t->ops->close(t);
}
