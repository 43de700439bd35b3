//go:build race

package ui_test

// raceDetector says the race detector is on: it multiplies the memory a
// process takes, so the resident set is not what the server would take.
const raceDetector = true
