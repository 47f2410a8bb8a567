// A growable array of trivially copyable records for the matcher's tokens, index entries and buckets and the working
// memory's fact records — millions of each on large workloads.
//
// Why not std::vector: growing a vector copies every record into a new block twice the size, so at that moment the
// old and the new block are both resident, and afterwards up to half of the new one sits unused; on the engine
// micro-benchmark that was a third of the peak memory. Why not fixed-size pages: an extra dependent load on every
// access, measured at 15% of Miss Manners' run time. Here, on Linux, the array is an anonymous memory mapping that
// grows with mremap(2): the kernel moves the page mappings instead of copying records, and pages that were never
// written take no memory, so the resident size follows the records in use while indexing stays one load. Elsewhere it
// falls back to realloc(3).
//
// Limits: at most 2^32 - 1 records; records are value-initialised by push(); clear() keeps the mapping (a reset refills
// it without system calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace covenant::rete {

// Transparent huge pages: a 2 MiB page is one first-touch fault and one TLB entry where 4 KiB pages take 512. The
// engine asks for them (madvise, MADV_HUGEPAGE) on its large arrays only, where THP's cost — up to 2 MiB resident
// before it is all used — is small beside the array.
inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

#if defined(__linux__)
// Advises huge pages for the anonymous mapping [p, p + bytes) once it is big enough to hold one. Advice only: where THP
// is off it is ignored.
inline void advise_huge_pages(void* p, std::size_t bytes) {
    if (bytes >= kHugePage) madvise(p, bytes, MADV_HUGEPAGE);
}
#endif

// A std::allocator for the large flat arrays a vector holds (the hash tables' slots): blocks of kHugePage or more are
// anonymous mappings advised to use huge pages, smaller ones come from operator new. Stateless; every instance is
// interchangeable. On systems without mmap it is operator new throughout.
template <typename T>
struct LargeBlockAllocator {
    using value_type = T;
    LargeBlockAllocator() = default;
    template <typename U>
    LargeBlockAllocator(const LargeBlockAllocator<U>&) {}

    T* allocate(std::size_t n) {
        std::size_t bytes = n * sizeof(T);
#if defined(__linux__)
        if (bytes >= kHugePage) {
            void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) throw std::bad_alloc();
            advise_huge_pages(p, bytes);
            return static_cast<T*>(p);
        }
#endif
        return static_cast<T*>(::operator new(bytes));
    }
    void deallocate(T* p, std::size_t n) {
        std::size_t bytes = n * sizeof(T);
#if defined(__linux__)
        if (bytes >= kHugePage) {
            munmap(p, bytes);
            return;
        }
#endif
        ::operator delete(p);  // unsized: clang does not declare the sized form without -fsized-deallocation
    }
    friend bool operator==(const LargeBlockAllocator&, const LargeBlockAllocator&) { return true; }
};

template <typename T>
class MappedArray {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "records are moved by remapping, without constructors");

public:
    MappedArray() = default;
    MappedArray(const MappedArray&) = delete;
    MappedArray& operator=(const MappedArray&) = delete;
    ~MappedArray() { release(); }

    T& operator[](std::uint32_t i) { return data_[i]; }
    const T& operator[](std::uint32_t i) const { return data_[i]; }

    std::uint32_t size() const { return size_; }
    // Bytes of the pages ever written (whole pages; clear() keeps them): what the array keeps resident.
    std::size_t resident_bytes() const { return round_to_page(std::size_t{high_} * sizeof(T)); }

    // Appends a value-initialised record and returns its index.
    std::uint32_t push() {
        if (size_ == capacity_) grow();
        data_[size_] = T{};
        if (size_ == high_) ++high_;
        return size_++;
    }

    // Appends n value-initialised records in one block (contiguous, like all records) and returns the first index.
    std::uint32_t push_n(std::uint32_t n) {
        while (capacity_ - size_ < n) grow();
        std::uint32_t first = size_;
        for (std::uint32_t i = 0; i < n; ++i) data_[first + i] = T{};
        size_ += n;
        if (size_ > high_) high_ = size_;
        return first;
    }

    T* data() { return data_; }
    const T* data() const { return data_; }

    void clear() { size_ = 0; }

private:
    static constexpr std::size_t kPage = 4096;
    static constexpr std::size_t kFirstBytes = 16 * kPage;
    static std::size_t round_to_page(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

    void grow() {
        std::size_t old_bytes = mapped_bytes_;
        std::size_t bytes = capacity_ == 0 ? kFirstBytes : 2 * old_bytes;
        std::size_t records = bytes / sizeof(T);
        if (records > 0xFFFFFFFFu) records = 0xFFFFFFFFu;
        if (records <= capacity_) throw std::bad_alloc();
        void* p = nullptr;
#if defined(__linux__)
        p = data_ == nullptr ? mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                             : mremap(data_, old_bytes, bytes, MREMAP_MAYMOVE);
        if (p == MAP_FAILED) throw std::bad_alloc();
        // A million facts touch about 100 MB of these arrays, and with 4 KiB pages a fifth of the micro-benchmark's
        // time went to first-touch page faults (more in a virtual machine, where each fault exits to the hypervisor).
        advise_huge_pages(p, bytes);
#else
        p = std::realloc(data_, bytes);
        if (p == nullptr) throw std::bad_alloc();
#endif
        data_ = static_cast<T*>(p);
        mapped_bytes_ = bytes;
        capacity_ = static_cast<std::uint32_t>(records);
    }

    void release() {
        if (data_ == nullptr) return;
#if defined(__linux__)
        munmap(data_, mapped_bytes_);
#else
        std::free(data_);
#endif
        data_ = nullptr;
    }

    T* data_ = nullptr;
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 0;
    std::uint32_t high_ = 0;          // the most records ever in use
    std::size_t mapped_bytes_ = 0;
};

}  // namespace covenant::rete
