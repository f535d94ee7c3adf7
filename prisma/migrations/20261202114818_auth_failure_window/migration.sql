-- CreateTable
CREATE TABLE "auth_failure_window" (
    "slot" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "auth_failure_window_pkey" PRIMARY KEY ("slot")
);
