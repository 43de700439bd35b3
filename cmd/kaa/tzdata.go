package main

// The binary carries its own time-zone database (about 450 kB), so
// Europe/Stockholm (participant.Today, the digest's hour, dates on pages)
// is right in a container without /usr/share/zoneinfo, such as distroless
// static or scratch. TestTimeZoneWithoutSystemData holds it to that.
import _ "time/tzdata"
