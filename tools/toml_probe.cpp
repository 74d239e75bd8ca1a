// tools/toml_probe.cpp: parses each file (or a generated key of N dotted parts: dotted:N, header:N)
// with toml++ alone, without leosem's refusals (core/toml_input_check), each in a child process, and
// prints how it ended: ok, syntax error, or the signal. docs/testing.md ("Is the refusal still needed?").
#include <sys/wait.h>
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <toml++/toml.h>
static std::string outcome(const std::string& text) {
  pid_t pid = fork();
  if (pid == 0) {
    try { (void)toml::parse(text); _exit(0); } catch (const toml::parse_error&) { _exit(3); }  // not 1: the sanitizers exit with 1
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return "SIGNAL " + std::to_string(WTERMSIG(status));
  int rc = WEXITSTATUS(status);
  return rc == 0 ? "ok" : rc == 3 ? "syntax error" : "exit " + std::to_string(rc) + " (a sanitizer's report above)";
}
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], text;
    if (a.rfind("dotted:", 0) == 0) { int n = std::stoi(a.substr(7)); for (int k = 0; k < n; ++k) text += "a."; text += "a = 1\n"; }
    else if (a.rfind("header:", 0) == 0) { int n = std::stoi(a.substr(7)); text = "["; for (int k = 0; k < n; ++k) text += "a."; text += "a]\n"; }
    else { std::ifstream in(a, std::ios::binary); std::ostringstream s; s << in.rdbuf(); text = s.str(); }
    std::cout << a.substr(a.find_last_of('/') + 1) << ": " << outcome(text) << std::endl;
  }
}
