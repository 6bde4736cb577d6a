/// A buffer whose disjoint slices are written by concurrent partitions.
///
/// Unchecked: safety rests on each partition writing only its own indices.
package struct SharedBuffer<Element>: @unchecked Sendable {
    package let base: UnsafeMutableBufferPointer<Element>

    package init(_ base: UnsafeMutableBufferPointer<Element>) {
        self.base = base
    }

    package subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
