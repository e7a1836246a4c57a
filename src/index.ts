/*
 * Library entry point: the emulator is usable from code as well as from `sf oauth emulator start`.
 */
export {};
