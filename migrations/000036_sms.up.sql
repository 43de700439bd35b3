-- SMS sent and received through a gateway (issue 19, docs/design/sms.md).
--
-- A participant may say no to SMS: nothing is sent to them while no_sms is
-- set; a reply "STOPP" sets it.
ALTER TABLE participants ADD COLUMN no_sms boolean NOT NULL DEFAULT false;

-- One row per SMS. An outgoing one is written as 'sending' with its contact
-- before the gateway is called, and moves to 'sent' (the gateway took it),
-- 'not_sent' (it refused, failed or did not answer in time), then
-- 'delivered' or 'failed' when the delivery report comes. A row left at
-- 'sending' means the server stopped between the two transactions: the page
-- says "okänt – kontrollera". An incoming one is 'received'; participant_id
-- and contact_id are empty when it could not be matched to one person
-- (okopplade sms), and body then holds its text (otherwise the text is the
-- contact's note). phone is E.164.
CREATE TABLE sms_messages (
    tenant_id      integer NOT NULL REFERENCES orgs (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    direction      text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    participant_id bigint,
    contact_id     bigint,
    phone          text NOT NULL CHECK (phone ~ '^\+[0-9]{6,15}$'),
    body           text NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
    status         text NOT NULL CHECK (status IN ('sending', 'sent', 'not_sent', 'delivered', 'failed', 'received')),
    provider_id    text NOT NULL DEFAULT '' CHECK (length(provider_id) <= 100),
    created_by     integer REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    delivered_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id),
    CHECK ((direction = 'outgoing') = (created_by IS NOT NULL)),
    CHECK (direction = 'incoming' OR (participant_id IS NOT NULL AND contact_id IS NOT NULL))
);
CREATE INDEX sms_messages_participant_idx ON sms_messages (tenant_id, participant_id, id);
CREATE INDEX sms_messages_contact_idx ON sms_messages (tenant_id, contact_id);
-- The callbacks find a message by the gateway's id and a reply by the number
-- last written to; neither index is unique, so no municipality learns of another's rows.
CREATE INDEX sms_messages_provider_idx ON sms_messages (provider_id) WHERE provider_id <> '';
CREATE INDEX sms_messages_phone_idx ON sms_messages (phone, id) WHERE direction = 'outgoing';
ALTER TABLE sms_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE sms_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_messages USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE ON sms_messages TO kaa_app;

-- The gateway's callbacks come without a user or a municipality. These two
-- answer only which municipality a message belongs to, never a row: the
-- callback then works inside that municipality's row-level security.
GRANT SELECT ON sms_messages TO kaa_aggregate;
CREATE POLICY aggregate_read ON sms_messages FOR SELECT TO kaa_aggregate USING (true);

-- sms_report_tenant: the municipality of the outgoing message the gateway
-- calls pid (NULL when none).
CREATE FUNCTION sms_report_tenant(pid text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT tenant_id FROM sms_messages WHERE provider_id = pid AND pid <> '' AND direction = 'outgoing' ORDER BY id DESC LIMIT 1
$$;
REVOKE ALL ON FUNCTION sms_report_tenant(text) FROM PUBLIC;
ALTER FUNCTION sms_report_tenant(text) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION sms_report_tenant(text) TO kaa_app;

-- sms_reply_tenant: the one municipality that wrote to number in the last
-- 90 days; NULL when none did, and NULL when more than one did. A reply
-- must never cross to a municipality that is not the one the young person
-- answers (one that gave someone of its own the number, or the one the
-- young person moved from), so an ambiguous reply goes to no register.
CREATE FUNCTION sms_reply_tenant(number text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT CASE WHEN count(DISTINCT tenant_id) = 1 THEN min(tenant_id) END FROM sms_messages
    WHERE phone = number AND direction = 'outgoing' AND created_at > now() - interval '90 days'
$$;
REVOKE ALL ON FUNCTION sms_reply_tenant(text) FROM PUBLIC;
ALTER FUNCTION sms_reply_tenant(text) OWNER TO kaa_aggregate;
GRANT EXECUTE ON FUNCTION sms_reply_tenant(text) TO kaa_app;
