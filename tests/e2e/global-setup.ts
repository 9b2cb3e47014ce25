import { build } from "../support/ensure-build";

// The e2e tier drives the production build, built once per run from the current sources, at the
// root path into .next (whatever REDRIVE_BASE_PATH the shell holds). The sub-path suite builds its
// own into another folder (tests/e2e/subpath.test.ts).
export default function setup(): void {
  build();
}
