-- The emptied text, referrals and responsibles are not restored: the up
-- migration removed data the register may not hold. Only the list of ways
-- into the register goes back.
ALTER TABLE participants DROP CONSTRAINT participants_source_check;
UPDATE participants SET source = 'social_services' WHERE source = 'municipal_service';
ALTER TABLE participants ADD CONSTRAINT participants_source_check
    CHECK (source IN ('school_dropout_notice', 'school_list', 'self_referral', 'social_services', 'arbetsformedlingen', 'other'));
