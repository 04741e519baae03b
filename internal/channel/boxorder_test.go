package channel

import (
	"reflect"
	"testing"
)

func TestSortBoxNames(t *testing.T) {
	names := []string{"top", "", "dir/sub", "inbox", "dir", "other", "dir/deeper/deep", "dir/deeper"}
	SortBoxNames(names)
	want := []string{"dir/deeper/deep", "dir/deeper", "dir/sub", "inbox", "other", "dir", "top", ""}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q want %q", names, want)
	}
}
