DROP FUNCTION sms_reply_tenant(text);
DROP FUNCTION sms_report_tenant(text);
DROP TABLE sms_messages;
ALTER TABLE participants DROP COLUMN no_sms;
