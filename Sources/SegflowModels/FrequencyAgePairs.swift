/// The distinct (frequency, age) pairs of sorted triplets (grouped by frequency) and each triplet's
/// pair, numbered in order of first appearance.
struct FrequencyAgePairs {
    var frequency: [Int] = []
    var age: [Double] = []
    var pairOfTriplet: [Int32]

    init(_ triplets: [CustomerHistory]) {
        let ages = DistinctValues(triplets.map(\.age))
        var groupOfAge = [Int](repeating: -1, count: ages.values.count)
        var pairOfAge = [Int32](repeating: 0, count: ages.values.count)
        pairOfTriplet = [Int32](repeating: 0, count: triplets.count)
        var group = -1
        var previousFrequency: Int?
        for (index, triplet) in triplets.enumerated() {
            if triplet.frequency != previousFrequency {
                group += 1
                previousFrequency = triplet.frequency
            }
            let ageIndex = Int(ages.indices[index])
            if groupOfAge[ageIndex] != group {
                groupOfAge[ageIndex] = group
                pairOfAge[ageIndex] = Int32(frequency.count)
                frequency.append(triplet.frequency)
                age.append(triplet.age)
            }
            pairOfTriplet[index] = pairOfAge[ageIndex]
        }
    }
}
