-- CreateIndex
CREATE INDEX "invite_code_for_account_code_idx" ON "invite_code"("for_account", "code");
