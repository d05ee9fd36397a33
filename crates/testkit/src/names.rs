//! Built-in name lists. Names are combined at random, so no generated person is anyone real.
//!
//! Each heritage carries the ethnicity code and the first languages its families most often
//! record, so that a family's facts hang together.
use hearth_domain::codes::Ethnicity;

pub(crate) struct Heritage {
    pub boys: &'static [&'static str],
    pub girls: &'static [&'static str],
    pub surnames: &'static [&'static str],
    pub ethnicity: Ethnicity,
    /// First languages with weights.
    pub languages: &'static [(&'static str, u32)],
    /// Weight among families in the area.
    pub weight: u32,
}

const ENGLISH_BOYS: &[&str] = &[
    "Oliver", "George", "Harry", "Jack", "Charlie", "Noah", "Leo", "Freddie", "Alfie", "Theo", "Oscar", "Archie",
    "Arthur", "Henry", "Thomas", "William", "Jacob", "Joshua", "Daniel", "Samuel", "Max", "Isaac", "Riley", "Mason",
    "Tyler", "Kai", "Logan", "Jayden", "Callum", "Connor", "Ethan", "Lewis", "Reuben", "Toby", "Finley", "Harvey",
    "Jake", "Kieran", "Liam", "Louie", "Albie", "Ronnie", "Teddy", "Stanley", "Bobby", "Frankie", "Rory", "Ellis",
];
const ENGLISH_GIRLS: &[&str] = &[
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Freya", "Poppy",
    "Evie", "Ella", "Charlotte", "Willow", "Florence", "Millie", "Ruby", "Phoebe", "Daisy", "Holly", "Jessica",
    "Chloé", "Zoë", "Megan", "Lauren", "Paige", "Courtney", "Shannon", "Kayleigh", "Tia", "Skye", "Summer",
    "Lacey", "Harper", "Maisie", "Esme", "Matilda", "Lottie", "Bethany", "Abigail", "Demi", "Leah", "Nevaeh",
];
const ENGLISH_SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
    "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Harris", "Cooper",
    "Turner", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "Young", "Mitchell", "Carter", "Phillips", "Bennett", "Parker", "Cook", "Shaw", "Bailey", "Collins", "Marshall",
    "Pearce", "Tucker", "Gibbs", "Button", "Hobbs", "Chedzoy", "Brimble", "Withers", "Fry", "Gulliver", "Symes",
    "Lockyer", "Ashman", "Vowles", "Dando", "Ruddock", "Tovey", "Hembrow", "Perrett", "Bisgrove", "Keel",
];

const WELSH_BOYS: &[&str] = &["Rhys", "Dylan", "Owain", "Gethin", "Osian", "Iwan", "Cai", "Ioan", "Tomos", "Emyr", "Llŷr", "Dafydd"];
const WELSH_GIRLS: &[&str] = &["Siân", "Ffion", "Cerys", "Megan", "Nia", "Seren", "Eleri", "Elin", "Mali", "Catrin", "Lowri", "Gwenllian"];
const WELSH_SURNAMES: &[&str] = &[
    "Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan", "Griffiths", "Price",
    "Powell", "Pritchard", "Llewellyn", "ap Rhys", "Bevan", "Prosser", "Vaughan", "Jenkins", "Rees",
];

const IRISH_BOYS: &[&str] = &["Seán", "Ciarán", "Oisín", "Cian", "Darragh", "Conor", "Patrick", "Eoin", "Niall", "Cillian", "Rónán", "Tadhg"];
const IRISH_GIRLS: &[&str] = &["Aoife", "Niamh", "Saoirse", "Siobhán", "Ciara", "Róisín", "Orla", "Caoimhe", "Clodagh", "Sinéad", "Áine", "Éabha"];
const IRISH_SURNAMES: &[&str] = &[
    "O'Brien", "O'Sullivan", "Murphy", "Kelly", "O'Connor", "Byrne", "Ryan", "Walsh", "McCarthy", "O'Neill",
    "Doyle", "Gallagher", "Ó Briain", "Kavanagh", "McLoughlin", "Fitzgerald", "O'Donnell", "Quinn", "Nolan", "Brennan",
];

const TRAVELLER_BOYS: &[&str] = &["Johnny", "Michael", "Patrick", "Martin", "Francie", "Paddy", "Jimmy", "Tom", "Christy", "John-Joe"];
const TRAVELLER_GIRLS: &[&str] = &["Bridget", "Mary", "Margaret", "Kathleen", "Nora", "Ellen", "Winnie", "Josie", "Annie", "Mary-Ann"];
const TRAVELLER_SURNAMES: &[&str] = &["McDonagh", "Ward", "Joyce", "Connors", "Maughan", "Doherty", "Stokes", "McGinley", "Collins", "Mongan"];

const POLISH_BOYS: &[&str] = &[
    "Łukasz", "Jakub", "Kacper", "Szymon", "Filip", "Mikołaj", "Bartłomiej", "Wojciech", "Paweł", "Piotr",
    "Aleksander", "Antoni", "Stanisław", "Michał", "Jędrzej", "Tomasz",
];
const POLISH_GIRLS: &[&str] = &[
    "Zofia", "Wiktoria", "Małgorzata", "Katarzyna", "Agnieszka", "Julia", "Zuzanna", "Maja", "Hanna", "Oliwia",
    "Łucja", "Aleksandra", "Natalia", "Gabriela", "Weronika", "Joanna",
];
const POLISH_SURNAMES: &[&str] = &[
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
    "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Grabowski", "Pawłowski",
];

const ROMANIAN_BOYS: &[&str] = &["Ștefan", "Andrei", "Alexandru", "Mihai", "Ionuț", "Răzvan", "Gabriel", "Cristian", "Florin", "Matei", "Darius", "Luca"];
const ROMANIAN_GIRLS: &[&str] = &["Andreea", "Ioana", "Mădălina", "Elena", "Bianca", "Alexandra", "Ana-Maria", "Daria", "Raluca", "Irina", "Teodora", "Ilinca"];
const ROMANIAN_SURNAMES: &[&str] = &[
    "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Matei", "Constantin",
    "Șerban", "Lungu", "Moldovan", "Ciobanu", "Tănase",
];

const SOMALI_BOYS: &[&str] = &["Abdirahman", "Mohamed", "Abdullahi", "Ahmed", "Hassan", "Yusuf", "Abdikarim", "Liban", "Guled", "Mahad", "Bashir", "Ayaan"];
const SOMALI_GIRLS: &[&str] = &["Hodan", "Fadumo", "Ayan", "Sagal", "Hibo", "Ifrah", "Nasra", "Ubah", "Hamdi", "Naima", "Sahra", "Khadra"];
const SOMALI_SURNAMES: &[&str] = &["Ali", "Hassan", "Mohamed", "Abdi", "Farah", "Warsame", "Jama", "Osman", "Hussein", "Ismail", "Aden", "Nur", "Dirie", "Egal"];

const PAKISTANI_BOYS: &[&str] = &["Muhammad", "Ayaan", "Zain", "Hamza", "Ibrahim", "Bilal", "Usman", "Rayyan", "Haris", "Zakariya", "Imran", "Faisal"];
const PAKISTANI_GIRLS: &[&str] = &["Aisha", "Maryam", "Zara", "Hafsa", "Inaya", "Amna", "Sana", "Fatima", "Mehwish", "Noor", "Anaya", "Khadija"];
const PAKISTANI_SURNAMES: &[&str] = &["Khan", "Hussain", "Ahmed", "Iqbal", "Akhtar", "Mahmood", "Butt", "Raja", "Shah", "Malik", "Qureshi", "Chaudhry", "Anwar", "Bashir"];

const BANGLADESHI_BOYS: &[&str] = &["Rahim", "Tanvir", "Arif", "Sabbir", "Rafiq", "Shahid", "Jubayer", "Ayaan", "Raihan", "Tahmid", "Shafiq", "Imtiaz"];
const BANGLADESHI_GIRLS: &[&str] = &["Nusrat", "Tasnim", "Sumaiya", "Rumana", "Farzana", "Shirin", "Jannat", "Maliha", "Ruksana", "Tahmina", "Sadia", "Nafisa"];
const BANGLADESHI_SURNAMES: &[&str] = &["Begum", "Uddin", "Miah", "Rahman", "Islam", "Ahmed", "Choudhury", "Hoque", "Ali", "Khatun", "Sarkar", "Hossain"];

const CARIBBEAN_BOYS: &[&str] = &["Jerome", "Marcus", "Tyrone", "Andre", "Jahmal", "Kymani", "Malachi", "Jaden", "Dwayne", "Kareem", "Theo", "Josiah"];
const CARIBBEAN_GIRLS: &[&str] = &["Shanice", "Tiana", "Kiara", "Jada", "Monique", "Aaliyah", "Nia", "Janelle", "Keisha", "Simone", "Imani", "Tanisha"];
const CARIBBEAN_SURNAMES: &[&str] = &["Campbell", "Brown", "Williams", "Clarke", "Francis", "Grant", "McKenzie", "Reid", "Thomas", "Bailey", "Gordon", "Lewis", "Henry", "Walcott"];

const NIGERIAN_BOYS: &[&str] = &["Oluwaseun", "Chinedu", "Tobi", "Emeka", "Ifeanyi", "Damilola", "Tunde", "Chidi", "Femi", "Obinna", "David", "Samuel"];
const NIGERIAN_GIRLS: &[&str] = &["Adaeze", "Chioma", "Funmilayo", "Ngozi", "Temitope", "Oluwakemi", "Blessing", "Ife", "Chiamaka", "Precious", "Esther", "Amara"];
const NIGERIAN_SURNAMES: &[&str] = &["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Adebayo", "Nwosu", "Ogunleye", "Obi", "Afolabi", "Chukwu", "Olawale"];

const INDIAN_BOYS: &[&str] = &["Arjun", "Aarav", "Rohan", "Vihaan", "Kabir", "Dev", "Ishaan", "Harjit", "Gurpreet", "Nikhil", "Sanjay", "Aryan"];
const INDIAN_GIRLS: &[&str] = &["Priya", "Ananya", "Diya", "Kavya", "Simran", "Jaspreet", "Anika", "Meera", "Navneet", "Riya", "Saanvi", "Harleen"];
const INDIAN_SURNAMES: &[&str] = &["Patel", "Sharma", "Singh", "Kaur", "Gill", "Sandhu", "Mistry", "Desai", "Joshi", "Kumar", "Mehta", "Bhatt"];

const CHINESE_BOYS: &[&str] = &["Wei", "Jun", "Hao", "Ka-Ho", "Chun", "Ming", "Jason", "Kevin", "Yuxuan", "Zihan"];
const CHINESE_GIRLS: &[&str] = &["Mei", "Xin", "Yan", "Wing", "Ling", "Ka-Yan", "Jessica", "Yiting", "Zixuan", "Hui"];
const CHINESE_SURNAMES: &[&str] = &["Wang", "Li", "Zhang", "Chen", "Liu", "Wong", "Chan", "Cheung", "Lam", "Ng", "Ho", "Yip"];

const OTHER_WHITE_BOYS: &[&str] = &["Mateus", "João", "Tiago", "Lukas", "Matas", "Jonas", "Dimitri", "Nikos", "Luca", "Marco", "Ádám", "Tamás"];
const OTHER_WHITE_GIRLS: &[&str] = &["Beatriz", "Inês", "Gabija", "Ieva", "Eleni", "Sofia", "Giulia", "Chiara", "Réka", "Zsófia", "Laura", "Emília"];
const OTHER_WHITE_SURNAMES: &[&str] = &["Silva", "Santos", "Ferreira", "Kazlauskas", "Petrauskas", "Papadopoulos", "Rossi", "Bianchi", "Nagy", "Kovács", "Horváth", "Costa"];

pub(crate) const HERITAGES: &[Heritage] = &[
    Heritage { boys: ENGLISH_BOYS, girls: ENGLISH_GIRLS, surnames: ENGLISH_SURNAMES, ethnicity: Ethnicity::WhiteBritish, languages: &[("English", 1)], weight: 520 },
    Heritage { boys: WELSH_BOYS, girls: WELSH_GIRLS, surnames: WELSH_SURNAMES, ethnicity: Ethnicity::WhiteBritish, languages: &[("English", 8), ("Welsh", 2)], weight: 40 },
    Heritage { boys: IRISH_BOYS, girls: IRISH_GIRLS, surnames: IRISH_SURNAMES, ethnicity: Ethnicity::WhiteIrish, languages: &[("English", 9), ("Irish", 1)], weight: 40 },
    Heritage { boys: TRAVELLER_BOYS, girls: TRAVELLER_GIRLS, surnames: TRAVELLER_SURNAMES, ethnicity: Ethnicity::Traveller, languages: &[("English", 1)], weight: 12 },
    Heritage { boys: POLISH_BOYS, girls: POLISH_GIRLS, surnames: POLISH_SURNAMES, ethnicity: Ethnicity::WhiteOther, languages: &[("Polish", 7), ("English", 3)], weight: 60 },
    Heritage { boys: ROMANIAN_BOYS, girls: ROMANIAN_GIRLS, surnames: ROMANIAN_SURNAMES, ethnicity: Ethnicity::WhiteOther, languages: &[("Romanian", 8), ("Romani", 1), ("English", 1)], weight: 35 },
    Heritage { boys: OTHER_WHITE_BOYS, girls: OTHER_WHITE_GIRLS, surnames: OTHER_WHITE_SURNAMES, ethnicity: Ethnicity::WhiteOther, languages: &[("Portuguese", 3), ("Lithuanian", 2), ("Greek", 1), ("Italian", 1), ("Hungarian", 1), ("English", 2)], weight: 30 },
    Heritage { boys: SOMALI_BOYS, girls: SOMALI_GIRLS, surnames: SOMALI_SURNAMES, ethnicity: Ethnicity::African, languages: &[("Somali", 7), ("English", 3)], weight: 30 },
    Heritage { boys: NIGERIAN_BOYS, girls: NIGERIAN_GIRLS, surnames: NIGERIAN_SURNAMES, ethnicity: Ethnicity::African, languages: &[("English", 6), ("Yoruba", 2), ("Igbo", 2)], weight: 30 },
    Heritage { boys: CARIBBEAN_BOYS, girls: CARIBBEAN_GIRLS, surnames: CARIBBEAN_SURNAMES, ethnicity: Ethnicity::Caribbean, languages: &[("English", 1)], weight: 30 },
    Heritage { boys: PAKISTANI_BOYS, girls: PAKISTANI_GIRLS, surnames: PAKISTANI_SURNAMES, ethnicity: Ethnicity::Pakistani, languages: &[("English", 4), ("Urdu", 4), ("Punjabi", 2)], weight: 40 },
    Heritage { boys: BANGLADESHI_BOYS, girls: BANGLADESHI_GIRLS, surnames: BANGLADESHI_SURNAMES, ethnicity: Ethnicity::Bangladeshi, languages: &[("Bengali (Sylheti)", 5), ("Bengali", 2), ("English", 3)], weight: 30 },
    Heritage { boys: INDIAN_BOYS, girls: INDIAN_GIRLS, surnames: INDIAN_SURNAMES, ethnicity: Ethnicity::Indian, languages: &[("English", 5), ("Punjabi", 3), ("Gujarati", 2)], weight: 30 },
    Heritage { boys: CHINESE_BOYS, girls: CHINESE_GIRLS, surnames: CHINESE_SURNAMES, ethnicity: Ethnicity::Chinese, languages: &[("English", 4), ("Cantonese", 3), ("Mandarin", 3)], weight: 20 },
];

/// Index of the English heritage in `HERITAGES`, the partner of most mixed families.
pub(crate) const ENGLISH: usize = 0;

/// Familiar short forms, for "known as" names.
pub(crate) const KNOWN_AS: &[(&str, &str)] = &[
    ("Aleksander", "Olek"),
    ("Aleksandra", "Ola"),
    ("Katarzyna", "Kasia"),
    ("Małgorzata", "Gosia"),
    ("Bartłomiej", "Bartek"),
    ("Mikołaj", "Mikołajek"),
    ("Wojciech", "Wojtek"),
    ("Stanisław", "Staś"),
    ("Muhammad", "Mo"),
    ("Mohamed", "Mo"),
    ("Abdirahman", "Abdi"),
    ("Abdullahi", "Abdi"),
    ("Oluwaseun", "Seun"),
    ("Oluwakemi", "Kemi"),
    ("Funmilayo", "Funmi"),
    ("Damilola", "Dami"),
    ("Temitope", "Tope"),
    ("Alexandru", "Alex"),
    ("Alexandra", "Alex"),
    ("Gwenllian", "Gwen"),
    ("Jacob", "Jake"),
    ("Joshua", "Josh"),
    ("Samuel", "Sam"),
    ("Thomas", "Tom"),
    ("William", "Will"),
    ("Isabella", "Bella"),
    ("Charlotte", "Lottie"),
    ("Abigail", "Abbie"),
    ("Florence", "Flo"),
    ("Frederick", "Freddie"),
    ("Daniel", "Dan"),
    ("Matilda", "Tilly"),
    ("Nevaeh", "Nev"),
    ("Ana-Maria", "Ana"),
    ("Zakariya", "Zak"),
    ("Chiamaka", "Amaka"),
];

/// Names of staff: ordinary combinations from the same lists, never real employees.
pub(crate) const STAFF_GIVEN: &[&str] = &[
    "Helen", "Rachel", "Claire", "Sarah", "Emma", "Laura", "Gemma", "Nadia", "Priya", "Fatima", "Joanne", "Kirsty",
    "Mark", "James", "Paul", "Richard", "Tom", "Adeel", "Chinedu", "Marek", "Gareth", "Owen", "Dominic", "Aled",
    "Beata", "Ioana", "Siobhán", "Rhiannon", "Amara", "Lucy", "Hannah", "Katie", "Jenny", "Nicola", "Becky", "Zainab",
];
pub(crate) const STAFF_SURNAMES: &[&str] = &[
    "Ashworth", "Bramley", "Caddick", "Dunmore", "Ellery", "Fairbairn", "Garside", "Hartnell", "Ingleby", "Jessop",
    "Kilbride", "Lymington", "Marchant", "Netherwood", "Oakley", "Penhaligon", "Quennell", "Rainsford", "Sturridge",
    "Thorogood", "Underhill", "Vickery", "Wetherall", "Yardley", "Achebe", "Bhatti", "Nowicka", "Okoro", "Rahman",
    "Mac Giolla", "D'Souza", "Llewellyn-Price",
];
