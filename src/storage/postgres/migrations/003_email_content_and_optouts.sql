-- 003: email bodies that Infobip's `emailTemplateId` points at (an extension: Infobip keeps them
-- in its Broadcast product), numbered per account; and opt-outs from PIN emails per account.
-- PostgreSQL twin of the SQLite migration with the same number.
CREATE TABLE email_contents (
  account_id TEXT NOT NULL,
  id INTEGER NOT NULL,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT,
  html_body TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);

CREATE TABLE email_optouts (
  account_id TEXT NOT NULL,
  address TEXT NOT NULL,
  landing_page_id TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, address)
);
