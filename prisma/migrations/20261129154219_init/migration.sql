-- CreateTable
CREATE TABLE "invite_code" (
    "code" TEXT NOT NULL,
    "available_uses" INTEGER NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "for_account" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "used_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "invite_code_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "invite_code_use" (
    "code" TEXT NOT NULL,
    "used_by" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invite_code_use_pkey" PRIMARY KEY ("code","used_by")
);

-- CreateIndex
CREATE INDEX "invite_code_for_account_created_at_code_idx" ON "invite_code"("for_account", "created_at", "code");

-- CreateIndex
CREATE INDEX "invite_code_created_at_code_idx" ON "invite_code"("created_at" DESC, "code" DESC);

-- CreateIndex
CREATE INDEX "invite_code_used_count_code_idx" ON "invite_code"("used_count" DESC, "code" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "invite_code_use_used_by_key" ON "invite_code_use"("used_by");

-- CreateIndex
CREATE INDEX "invite_code_use_code_used_at_used_by_idx" ON "invite_code_use"("code", "used_at" DESC, "used_by" DESC);

-- AddForeignKey
ALTER TABLE "invite_code_use" ADD CONSTRAINT "invite_code_use_code_fkey" FOREIGN KEY ("code") REFERENCES "invite_code"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
