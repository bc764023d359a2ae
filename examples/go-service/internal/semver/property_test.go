package semver

import (
	"math/rand"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"testing/quick"
)

// genVersion generates valid versions. Parts are drawn from small ranges so
// that equal majors, minors and pre-release prefixes actually occur.
type genVersion Version

func (genVersion) Generate(r *rand.Rand, _ int) reflect.Value {
	v := Version{Major: uint64(r.Intn(4)), Minor: uint64(r.Intn(4)), Patch: uint64(r.Intn(4))}
	v.Pre = identifiersOf(r, r.Intn(3))
	if r.Intn(4) == 0 {
		v.Build = identifiersOf(r, 1+r.Intn(2))
	}
	return reflect.ValueOf(genVersion(v))
}

func identifiersOf(r *rand.Rand, n int) []string {
	words := []string{"alpha", "beta", "rc", "x-1", "0", "1", "2", "10"}
	if n == 0 {
		return nil
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = words[r.Intn(len(words))]
	}
	return ids
}

func check(t *testing.T, f interface{}) {
	t.Helper()
	// A nil Config runs go test's -quickchecks count (default 100), which CI scales.
	if err := quick.Check(f, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPropertyStringRoundTrips(t *testing.T) {
	check(t, func(g genVersion) bool {
		v := Version(g)
		got, err := Parse(v.String())
		return err == nil && reflect.DeepEqual(got, v)
	})
}

func TestPropertyCompareIsAntisymmetric(t *testing.T) {
	check(t, func(a, b genVersion) bool {
		return Compare(Version(a), Version(b)) == -Compare(Version(b), Version(a))
	})
}

func TestPropertyCompareIsTransitive(t *testing.T) {
	check(t, func(a, b, c genVersion) bool {
		vs := []Version{Version(a), Version(b), Version(c)}
		sort.Slice(vs, func(i, j int) bool { return Compare(vs[i], vs[j]) < 0 })
		return Compare(vs[0], vs[1]) <= 0 && Compare(vs[1], vs[2]) <= 0 && Compare(vs[0], vs[2]) <= 0
	})
}

func TestPropertyReleaseOutranksItsPreReleases(t *testing.T) {
	check(t, func(g genVersion) bool {
		v := Version(g)
		release := Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch}
		return len(v.Pre) == 0 || Compare(v, release) < 0
	})
}

func TestPropertyRangesAroundAVersion(t *testing.T) {
	check(t, func(g genVersion) bool {
		v := Version(g)
		s := v.String()
		contains := func(rng string) bool {
			r, err := ParseRange(rng)
			return err == nil && r.Contains(v)
		}
		return contains(s) && contains("^"+s) && contains("~"+s) && contains(">="+s) &&
			contains("<="+s) && !contains(">"+s) && !contains("<"+s) && contains("<"+s+" || "+s)
	})
}

// TestPropertyBoundsAreComplements guards the interval semantics: every
// version falls on exactly one side of a bound, for full and partial bounds.
func TestPropertyBoundsAreComplements(t *testing.T) {
	check(t, func(g, bound genVersion, parts uint8) bool {
		v, b := Version(g), Version(bound)
		text := []string{
			strconv.FormatUint(b.Major, 10),
			strconv.FormatUint(b.Major, 10) + "." + strconv.FormatUint(b.Minor, 10),
			b.String(),
		}[parts%3]
		contains := func(rng string) bool {
			r, err := ParseRange(rng)
			return err == nil && r.Contains(v)
		}
		return contains(">="+text) != contains("<"+text) && contains(">"+text) != contains("<="+text)
	})
}

func TestPropertyCaretExcludesNextBreakingVersion(t *testing.T) {
	check(t, func(g genVersion) bool {
		v := Version(g)
		r, err := ParseRange("^" + v.String())
		if err != nil {
			return false
		}
		next := Version{Major: v.Major + 1}
		switch {
		case v.Major == 0 && v.Minor == 0:
			next = Version{Patch: v.Patch + 1}
		case v.Major == 0:
			next = Version{Minor: v.Minor + 1}
		}
		return !r.Contains(next)
	})
}

// FuzzParse checks that whatever Parse accepts has one canonical spelling.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.2.3", "v0.0.1-rc.1+b.2", "1.0.0-0.a-b", "01.0.0", "1.2", "", "1.2.3-+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(v.String())
		if err != nil {
			t.Fatalf("Parse(%q) accepted, but its String %q is rejected: %v", s, v, err)
		}
		if Compare(v, again) != 0 || again.String() != v.String() {
			t.Fatalf("round trip changed %q into %q", v, again)
		}
	})
}

// FuzzParseRange checks that ranges never panic and that adding an exact
// alternative for a version always admits that version.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"^1.2.3", ">=1 <2 || ~0.3", "*", "1.x", ">18446744073709551615", "<=0.0"} {
		f.Add(s, "1.2.3")
	}
	f.Fuzz(func(t *testing.T, rng, version string) {
		r, err := ParseRange(rng)
		if err != nil {
			return
		}
		v, err := Parse(version)
		if err != nil {
			return
		}
		union, err := ParseRange(rng + "||" + v.String())
		if err != nil {
			t.Fatalf("%q parses but %q || %s does not: %v", rng, rng, v, err)
		}
		if !union.Contains(v) {
			t.Fatalf("%q || %s does not contain %s (alone: %v)", rng, v, v, r.Contains(v))
		}
	})
}
