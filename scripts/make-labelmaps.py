#!/usr/bin/env python3
"""Derive the VOC-20 → ImageNet-1k and COCO-80 → ImageNet-1k label maps from WordNet 3.0.

For each dataset class we name one or more WordNet noun synsets (the table below, with the reason for
every choice that is not the obvious one). The class maps to every ImageNet-1k class whose wnid lies in
the hyponym closure (pointers "~" hyponym and "~i" instance hyponym, followed transitively) of those
synsets, the synsets themselves included. ImageNet wnids are WordNet 3.0 noun offsets (n + 8 digits), so
they are looked up directly in WordNet's data.noun. Class index = position in sorted-wnid order.

Usage (python3 standard library only; WordNet from Debian's wordnet-base package):
    apt-get install wordnet-base
    python3 scripts/make-labelmaps.py /path/to/LOC_synset_mapping.txt [/usr/share/wordnet] [datasets/labelmaps]

The output is deterministic: run it again and the files must not change (git diff is the check).
"""
import os
import sys

VOC20 = [
    # (class, [synsets]) in the standard VOC order.
    ("aeroplane", ["n02691156", "n04552348"]),       # airplane + warplane (WordNet files military planes apart)
    ("bicycle", ["n02834778"]),
    ("bird", ["n01503061"]),
    ("boat", ["n04530566"]),                         # vessel, watercraft: VOC boats include ships
    ("bottle", ["n02876657"]),
    ("bus", ["n02924116"]),
    ("car", ["n02958343"]),                          # car, auto, automobile (not the railway car)
    ("cat", ["n02121808"]),                          # domestic cat: VOC cats are house cats, not lions or lynxes
    ("chair", ["n03001627"]),
    ("cow", ["n02402425"]),                          # cattle (the 'cow' synset is only the female, no hyponyms)
    ("diningtable", ["n03201208"]),
    ("dog", ["n02084071"]),                          # dog, domestic dog: the 118 breeds; wolves, foxes, dingo are not dogs
    ("horse", ["n02374451"]),
    ("motorbike", ["n03790512", "n03791053"]),       # motorcycle + motor scooter (VOC counts scooters as motorbikes)
    ("person", ["n00007846"]),
    ("pottedplant", ["n03991062"]),                  # pot, flowerpot: ImageNet's only potted-plant class
    ("sheep", ["n02411705"]),
    ("sofa", ["n04256520"]),
    ("train", ["n04468005", "n03684823", "n02959942", "n04335435"]),  # train + locomotive + railway car + tram (VOC 'train' includes all)
    ("tvmonitor", ["n04405907", "n04404412", "n03782006", "n04152593"]),  # TV receiver + ImageNet's 'television' (a system in WordNet) + monitor + screen
]

COCO80 = [
    # (class, [synsets]) in ascending COCO category id order. [] = no sensible ImageNet counterpart.
    ("person", ["n00007846"]),
    ("bicycle", ["n02834778"]),
    ("car", ["n02958343"]),
    ("motorcycle", ["n03790512", "n03791053"]),
    ("airplane", ["n02691156", "n04552348"]),
    ("bus", ["n02924116"]),
    ("train", ["n04468005", "n03684823", "n02959942", "n04335435"]),
    ("truck", ["n04490091"]),
    ("boat", ["n04530566"]),
    ("traffic light", ["n06874185"]),
    ("fire hydrant", ["n03346898"]),                 # no ImageNet hyponym → unmapped
    ("stop sign", []),                               # no WordNet 3.0 synset; ImageNet has only the hypernym 'street sign' → unmapped
    ("parking meter", ["n03891332"]),
    ("bench", ["n02828884"]),
    ("bird", ["n01503061"]),
    ("cat", ["n02121808"]),
    ("dog", ["n02084071"]),
    ("horse", ["n02374451"]),
    ("sheep", ["n02411705"]),
    ("cow", ["n02402425"]),
    ("elephant", ["n02503517"]),
    ("bear", ["n02131653"]),
    ("zebra", ["n02391049"]),
    ("giraffe", ["n02439033"]),                      # no ImageNet class → unmapped
    ("backpack", ["n02769748"]),
    ("umbrella", ["n04507155"]),
    ("handbag", ["n04026417"]),                      # purse: WordNet's 'handbag' synset has no ImageNet hyponym
    ("tie", ["n03815615"]),
    ("suitcase", ["n02773838"]),                     # no ImageNet hyponym → unmapped
    ("frisbee", ["n03397947"]),                      # unmapped
    ("skis", ["n04228054"]),
    ("snowboard", ["n04251791"]),                    # unmapped
    ("sports ball", ["n02778669"]),                  # ball (game equipment)
    ("kite", ["n03621473"]),                         # the toy; ImageNet's 'kite' (n01608432) is the bird → unmapped
    ("baseball bat", ["n02799175"]),                 # unmapped
    ("baseball glove", ["n02800213"]),               # unmapped
    ("skateboard", ["n04225987"]),                   # unmapped
    ("surfboard", ["n04363559"]),                    # unmapped
    ("tennis racket", ["n04039381"]),
    ("bottle", ["n02876657"]),
    ("wine glass", ["n04592099", "n03443371"]),      # wineglass has no ImageNet hyponym; goblet = stemmed drinking glass
    ("cup", ["n03147509", "n03797390", "n07930864"]),  # cup + mug + ImageNet's 'cup' (a punch in WordNet, cups in its images)
    ("fork", ["n03383948"]),                         # unmapped
    ("knife", ["n03623556"]),
    ("spoon", ["n04284002"]),
    ("bowl", ["n02880940"]),
    ("banana", ["n07753592"]),
    ("apple", ["n07739125"]),
    ("sandwich", ["n07695965"]),
    ("orange", ["n07747607"]),
    ("broccoli", ["n07714990"]),
    ("carrot", ["n07730207"]),                       # unmapped
    ("hot dog", ["n07697537"]),
    ("pizza", ["n07873807"]),
    ("donut", ["n07639069"]),                        # unmapped
    ("cake", ["n07628870"]),                         # unmapped (ImageNet has trifle, not cake)
    ("chair", ["n03001627"]),
    ("couch", ["n04256520"]),
    ("potted plant", ["n03991062"]),
    ("bed", ["n02818832"]),
    ("dining table", ["n03201208"]),
    ("toilet", ["n04446521", "n04447861"]),          # toilet has no ImageNet hyponym; 'toilet seat' images show toilets
    ("tv", ["n04405907", "n04404412", "n03782006", "n04152593"]),
    ("laptop", ["n03642806"]),
    ("mouse", ["n03793489"]),                        # computer mouse
    ("remote", ["n04074963"]),
    ("keyboard", ["n03085013"]),                     # computer keyboard
    ("cell phone", ["n02992529"]),
    ("microwave", ["n03761084"]),
    ("oven", ["n03862676"]),
    ("toaster", ["n04442312"]),
    ("sink", ["n04223580", "n04553703"]),            # sink has no ImageNet hyponym; washbasin is ImageNet's sink
    ("refrigerator", ["n04070727"]),
    ("book", ["n02870526", "n07248320"]),            # book has no ImageNet hyponym; 'book jacket' images show books
    ("clock", ["n03046257"]),
    ("vase", ["n04522168"]),
    ("scissors", ["n04148054"]),                     # unmapped
    ("teddy bear", ["n04399382"]),
    ("hair drier", ["n03483316"]),                   # hand blower, blow dryer
    ("toothbrush", ["n04453156"]),                   # unmapped
]


def read_wordnet(folder):
    """offset → (lemmas, hyponym offsets) from data.noun (format: wndb(5WN))."""
    nouns = {}
    with open(os.path.join(folder, "data.noun"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):  # licence header lines start with two spaces
                continue
            fields = line.split(" | ")[0].split()
            offset, w_cnt = fields[0], int(fields[3], 16)
            lemmas = [fields[4 + 2 * i] for i in range(w_cnt)]
            i = 4 + 2 * w_cnt
            p_cnt = int(fields[i])
            i += 1
            hyponyms = []
            for _ in range(p_cnt):
                symbol, target, pos = fields[i], fields[i + 1], fields[i + 2]
                if symbol in ("~", "~i") and pos == "n":
                    hyponyms.append(target)
                i += 4
            nouns[offset] = (lemmas, hyponyms)
    return nouns


def closure(nouns, offset):
    seen, stack = {offset}, [offset]
    while stack:
        for h in nouns[stack.pop()][1]:
            if h not in seen:
                seen.add(h)
                stack.append(h)
    return seen


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    class_list = sys.argv[1]
    wordnet = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/wordnet"
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "labelmaps")
    with open(class_list) as f:
        wnids = sorted(line.split()[0] for line in f if line.strip())
    if len(wnids) != 1000 or len(set(wnids)) != 1000:
        sys.exit(f"{class_list}: expected 1000 distinct wnids, got {len(wnids)}")
    index = {w: i for i, w in enumerate(wnids)}
    nouns = read_wordnet(wordnet)
    for w in wnids:
        if w[1:] not in nouns:
            sys.exit(f"{w} is not a WordNet 3.0 noun synset")
    os.makedirs(out, exist_ok=True)
    for name, space, table in (("voc20-imagenet1k.tsv", "voc20", VOC20), ("coco80-imagenet1k.tsv", "coco80", COCO80)):
        rows, mapped = [], 0
        for i, (cls, synsets) in enumerate(table):
            targets = set()
            for s in synsets:
                if s[1:] not in nouns:
                    sys.exit(f"{cls}: {s} is not a WordNet 3.0 noun synset")
                targets |= {index["n" + o] for o in closure(nouns, s[1:]) if "n" + o in index}
            mapped += bool(targets)
            lemmas = ";".join(f"{s}:{nouns[s[1:]][0][0]}" for s in synsets)
            rows.append(f"{i}\t{cls}\t{lemmas}\t{','.join(map(str, sorted(targets)))}")
        with open(os.path.join(out, name), "w", newline="\n") as f:
            f.write(f"# source={space} target=imagenet1k\n")
            f.write("# Generated by scripts/make-labelmaps.py from WordNet 3.0 data.noun: hyponym closure of the synsets,\n")
            f.write("# intersected with the 1000 ILSVRC2012 wnids; indices in sorted-wnid order. Empty last column = unmapped.\n")
            f.write("index\tclass\tsynsets\timagenet1k\n")
            f.write("\n".join(rows) + "\n")
        print(f"{name}: {mapped}/{len(table)} classes mapped, {len(table) - mapped} unmapped")


if __name__ == "__main__":
    main()
