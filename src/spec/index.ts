export * from "./ids";
export * from "./cluster";
export * from "./envelope";
export * from "./problem";
export * from "./health";
export * from "./context";
export * from "./config";
export * from "./errors";
