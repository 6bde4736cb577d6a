/// A buffer whose disjoint slices are written by concurrent partitions.
///
/// Unchecked: safety rests on each partition writing only its own indices.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>

    init(_ base: UnsafeMutableBufferPointer<Element>) {
        self.base = base
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
