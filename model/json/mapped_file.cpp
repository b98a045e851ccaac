#include "model/json/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

namespace sgopt::json {

namespace {

// A mapped file that shrinks while it is read faults (SIGBUS) on the pages it lost: that is an
// input error, said as one, not a crash.
extern "C" void on_bus_error(int) {
  static const char msg[] =
      "sgopt: error: an input file shrank while it was being read; read it again once it is complete\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
  ::_exit(2);
}

void catch_bus_errors() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = on_bus_error;
    sigemptyset(&sa.sa_mask);
    return ::sigaction(SIGBUS, &sa, nullptr) == 0;
  }();
  (void)installed;
}

}  // namespace

std::unique_ptr<MappedFile> MappedFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return nullptr;
  }
  auto size = static_cast<std::size_t>(st.st_size);
  catch_bus_errors();
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return nullptr;
  ::madvise(p, size, MADV_SEQUENTIAL);
  return std::unique_ptr<MappedFile>(new MappedFile(static_cast<const char*>(p), size));
}

MappedFile::~MappedFile() { ::munmap(const_cast<char*>(data_), size_); }

void MappedFile::release_before(std::size_t offset) const {
  auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::size_t end = offset < size_ ? offset : size_;
  end -= end % page;
  if (end > 0) ::madvise(const_cast<char*>(data_), end, MADV_DONTNEED);
}

}  // namespace sgopt::json
