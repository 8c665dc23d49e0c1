#pragma once
/// Bounded first-word-fall-through FIFO in plain C++ (the L0 rows and OFIFO columns).
///
/// Like the RTL's fifo_depth64: the head is visible without a pop, and popping an empty FIFO is
/// a no-op whose head still shows the stale slot under the read pointer.
///
/// \code
///   satlm::fifo_core<int> f(4);
///   f.push(1); f.push(2);
///   int h = f.head();  // 1
///   f.pop();           // head() == 2
/// \endcode

#include <cstddef>
#include <stdexcept>
#include <vector>

namespace satlm {

template <typename T>
class fifo_core {
public:
    explicit fifo_core(std::size_t depth) : m_slots(depth), m_depth(depth) {
        if (depth == 0) throw std::invalid_argument("fifo_core: depth must be at least 1");
    }

    std::size_t depth() const { return m_depth; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    bool full() const { return m_size == m_depth; }
    std::size_t high_water() const { return m_high_water; }

    /// Throws std::overflow_error when full: the sequencer must never overflow a FIFO.
    void push(const T& v) {
        if (full()) throw std::overflow_error("fifo_core: push to a full FIFO");
        m_slots[m_wr] = v;
        m_wr = next(m_wr);
        ++m_size;
        if (m_size > m_high_water) m_high_water = m_size;
    }

    /// Head (first word fall-through); the stale slot under the read pointer when empty.
    const T& head() const { return m_slots[m_rd]; }

    /// Pops the head; a no-op on an empty FIFO (as the RTL). Returns whether a word was popped.
    bool pop() {
        if (empty()) return false;
        m_rd = next(m_rd);
        --m_size;
        return true;
    }

    /// Reset clears the pointers, not the storage (stale heads stay visible, as in the RTL).
    void reset() { m_rd = m_wr = m_size = 0; }

private:
    std::size_t next(std::size_t i) const { return i + 1 == m_depth ? 0 : i + 1; }

    std::vector<T> m_slots;
    std::size_t m_depth;
    std::size_t m_rd = 0, m_wr = 0, m_size = 0, m_high_water = 0;
};

}  // namespace satlm
