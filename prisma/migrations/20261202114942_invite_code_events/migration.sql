-- AlterTable
ALTER TABLE "invite_code" ADD COLUMN     "last_event_xid" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateTable
CREATE TABLE "invite_code_event" (
    "id" BIGSERIAL NOT NULL,
    "order_xid" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "for_account" TEXT NOT NULL,
    "used_by" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "invite_code_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "invite_code_event_order_xid_id_idx" ON "invite_code_event"("order_xid", "id");
