// sgopt: the command-line tool.
#include <cstdio>

int main() {
  std::puts("sgopt " SGOPT_VERSION);
  return 0;
}
