// Package scb builds the municipality's half-year report of the activity
// responsibility (KAA) to Statistics Sweden (SCB): five blocks and a panel of
// the gaps that would make the report incomplete.
package scb

// The mapping from our categories to the codes in the file to SCB, in one
// place so that it is easy to correct. Our knowledge of SCB's exact code
// lists is uncertain (see docs/scb-report.md): the codes below follow SCB's
// categories as the municipality's guidance describes them, and must be
// checked against SCB's current file specification before a real submission.
var (
	// ReasonCodes: reason for registration (block 1).
	ReasonCodes = map[string]string{
		"dropped_out_im":    "1", // dropped out of an introduction programme
		"dropped_out":       "2", // dropped out of a national programme
		"study_certificate": "3", // finished with a study certificate only
		"never_started":     "4", // never started upper secondary school
		"moved_in":          "5", // moved into the municipality
		"unknown":           "",  // a gap: SCB wants a reason
	}
	// OccupationCodes: occupation at contact (block 2).
	OccupationCodes = map[string]string{
		"national_programme":     "11",
		"introduction_programme": "12",
		"komvux":                 "13",
		"folkhogskola":           "14",
		"studies_other":          "15",
		"work":                   "21",
		"work_placement":         "22",
		"arbetsformedlingen":     "31",
		"municipal_measure":      "32",
		"health_care":            "41",
		"no_activity":            "51",
		"not_reachable":          "52",
		"moved":                  "53",
		"unknown":                "99", // a gap: occupation unknown
	}
	// MeasureCodes: the kind of measure (blocks 3 and 4).
	MeasureCodes = map[string]string{
		"introduction_programme": "1",
		"komvux":                 "2",
		"folkhogskola":           "3",
		"work_placement":         "4",
		"guidance":               "5",
		"arbetsformedlingen":     "6",
		"municipal_labour":       "7",
		"support":                "8",
		"other":                  "9",
	}
	// EndCodes: why KAA ended (block 5).
	EndCodes = map[string]string{
		"national_programme":      "1",
		"introduction_programme":  "2",
		"equivalent_education":    "3",
		"adapted_upper_secondary": "4",
		"turned_20":               "5",
		"moved":                   "6",
		"emigrated":               "7",
		"deceased":                "8",
		"other":                   "9",
	}
)
