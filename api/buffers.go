package api

// DefaultMaxBuffered is the default of Config.MaxBuffered.
const DefaultMaxBuffered = 256 << 20

// maxTextBody caps the body of a text PUT (?encoding=), which is converted in memory: larger writes are bytes.
const maxTextBody = 16 << 20
