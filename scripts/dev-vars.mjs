// Copies .dev.vars.example to .dev.vars when it is missing, so `npm run dev` works on a fresh clone.
import { copyFileSync, existsSync } from "node:fs";

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (development secrets only)");
}
