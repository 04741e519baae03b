package dovecot

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The introspection endpoint answers Dovecot's POST token=… as its oauth2
// passdb expects, and the configuration adds that passdb only on request.
func TestTokens(t *testing.T) {
	tok, err := ServeTokens(map[string]string{"good": "joe"})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	ask := func(token string) string {
		resp, err := http.PostForm(tok.URL, url.Values{"token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return strings.TrimSpace(b.String())
	}
	if got := ask("good"); got != `{"active":true,"username":"joe"}` {
		t.Errorf("good token: %s", got)
	}
	tok.Revoke("good")
	if got := ask("good"); got != `{"active":false}` {
		t.Errorf("revoked token: %s", got)
	}
	if tok.Asked() != 2 {
		t.Errorf("Asked() = %d, want 2", tok.Asked())
	}

	dir := t.TempDir()
	l := newLayout(dir, filepath.Join(dir, "run"))
	for _, oauth := range []string{"", tok.URL} {
		opt, err := Options{OAuth2URL: oauth}.normalize()
		if err != nil {
			t.Fatal(err)
		}
		if err := writeConfig(l, opt, mailOwner{uid: 1000}, 1, 2); err != nil {
			t.Fatal(err)
		}
		conf, _ := os.ReadFile(l.config)
		has := strings.Contains(string(conf), "driver = oauth2") && strings.Contains(string(conf), "auth_mechanisms = plain login xoauth2 oauthbearer")
		if has != (oauth != "") {
			t.Errorf("OAuth2URL %q: oauth2 passdb present = %v:\n%s", oauth, has, conf)
		}
	}
	ext, err := os.ReadFile(filepath.Join(dir, "oauth2.conf.ext"))
	if err != nil || !strings.Contains(string(ext), "introspection_url = "+tok.URL+"\n") {
		t.Errorf("oauth2.conf.ext: %v\n%s", err, ext)
	}
}
