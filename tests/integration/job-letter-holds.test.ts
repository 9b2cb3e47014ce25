import { jobHoldSuite } from "../support/job-hold-suite";

jobHoldSuite("postgres");
